"""What every page view shares: service errors become 403/404 pages, htmx requests are told apart
(and a self-refreshing panel answered alone), and "next" links stay on this site."""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from typing import Any

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.cache import add_never_cache_headers
from django.utils.http import url_has_allowed_host_and_scheme

from sambandh.core.errors import Forbidden, NotFound


def page(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
    """A signed-in page: NotFound answers 404 and Forbidden 403, like the API does. Its answer
    is never stored by the browser (``Cache-Control: no-store``): Back after a deletion, or
    after logging out, asks the server again instead of showing the record from the cache."""

    @wraps(view)
    def wrapper(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        try:
            response = view(request, *args, **kwargs)
        except NotFound as exc:
            raise Http404(exc.message) from None
        except Forbidden as exc:
            raise PermissionDenied(exc.message) from None
        if not response.has_header("Cache-Control"):  # a view that chose its own keeps it
            add_never_cache_headers(response)
        return response

    return login_required(wrapper)


def is_htmx(request: HttpRequest) -> bool:
    return request.headers.get("HX-Request") == "true"


def job_progress_page(
    request: HttpRequest, context: dict[str, Any], *, page: str, panel: str
) -> HttpResponse:
    """A running job's page (a bulk action's, an import's): the whole ``page``, or only its
    ``panel`` (which extends web/_job_panel.html) when the panel asks for itself again."""
    return render(request, panel if is_htmx(request) else page, context)


def safe_next(request: HttpRequest, default: str) -> str:
    """The ``next`` parameter when it points at this site, else ``default``."""
    target = request.POST.get("next") or request.GET.get("next") or ""
    if target and url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return target
    return default


class AuthedRequest(HttpRequest):
    """The request of a signed-in page (every page view is wrapped in ``page``)."""

    user: Any  # accounts.User; core does not import the accounts app
