"""``GET /api/v1/<records>/export?format=csv|xlsx`` (and ``vcf`` for people): one router per
record type the registry lets export, taking the same filters as its list endpoint."""

# No "from __future__ import annotations": ninja reads the query schema (made per type) from
# the evaluated annotation.

from typing import Any, Literal

from django.http import HttpRequest
from ninja import Query, Router
from pydantic import Field, create_model

from sambandh.accounts.selectors import acting_user as viewer
from sambandh.core import registry
from sambandh.core.api import ErrorOut
from sambandh.customfields.selectors import custom_filter_params
from sambandh.exports.responses import export_response
from sambandh.exports.selectors import SEARCH, export_plan, exportable

ERRORS: dict[int, Any] = {k: ErrorOut for k in (401, 403, 404, 422)}
#: The list query's parameters that are not filters.
NOT_FILTERS = {"limit", "cursor", "sort", "reporting_currency", "format"}


def _query_schema(rt: registry.RecordType) -> Any:
    base = rt.list_filters() if rt.list_filters is not None else None
    formats = Literal["csv", "xlsx", "vcf"] if rt.key == "person" else Literal["csv", "xlsx"]
    fields: dict[str, Any] = {
        "format": (formats, Field("csv", description="The file's format.")),
    }
    if rt.searchable:
        fields[SEARCH] = (
            str | None,
            Field(
                None,
                max_length=200,
                description="A search result: the records the search for this text finds "
                "(GET /search?q=...&type=...; at most 50, best first).",
            ),
        )
    return create_model(f"{rt.key.title()}ExportQuery", __base__=base, **fields)


def export_router(rt: registry.RecordType) -> Router:
    router = Router(tags=["exports"])
    schema = _query_schema(rt)
    vcard = " (``vcf``: vCard 3.0, one card per person)" if rt.key == "person" else ""

    @router.get(
        "/export",
        response={200: None, **ERRORS},
        operation_id=f"export_{rt.key}",
        summary=f"Export {rt.api_path}",
        description=(
            f"Every record the list of {rt.api_path} shows for these filters (the list's own "
            "parameters, ``custom.<key>`` too), on every page, as a file: ``csv`` (UTF-8 with a "
            f"BOM, streamed) or ``xlsx``{vcard}. Only the records and the fields you may see; "
            "``sort`` as the list's. Recorded in the audit trail."
        ),
    )
    def export(request: HttpRequest, filters: Query[schema]) -> Any:  # type: ignore[valid-type]
        query: Any = filters
        data = query.model_dump(exclude=NOT_FILTERS, exclude_none=True, by_alias=True)
        data.update(custom_filter_params(request.GET))
        plan = export_plan(
            viewer=viewer(request), record_type=rt.key, filters=data, sort=query.sort
        )
        return export_response(plan, query.format)

    return router


def export_routers() -> list[tuple[str, Router]]:
    return [
        (f"/{rt.api_path}", export_router(rt)) for rt in registry.record_types() if exportable(rt)
    ]
