from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.urls import include, path, re_path
from django.views.decorators.cache import cache_control
from django.views.i18n import JavaScriptCatalog

from config.api import api
from config.api import not_found_view as api_not_found
from sambandh.accounts.views_language import language_set
from sambandh.mfa import views as mfa_views
from sambandh.security import views as security_views
from sambandh.web import views as web_views
from sambandh.web import views_inline, views_lookup

urlpatterns = [
    path("health", web_views.health, name="health"),
    path("ready", web_views.ready, name="ready"),
    path(
        "inline/<slug:record_type>/<id:record_id>/<slug:field>/",
        views_inline.inline_field,
        name="inline_field",
    ),
    path("lookup/<slug:record_type>/", views_lookup.record_suggest, name="record_suggest"),
    path("api/v1/", api.urls),
    re_path(r"^api/v1/(?P<rest>.*)$", api_not_found),
    # Two steps when the user has multi-factor authentication on (sambandh/mfa/views.py).
    path("login/", mfa_views.PasswordStepView.as_view(), name="login"),
    path("login/code/", mfa_views.verify, name="login_code"),
    path("logout/", auth_views.LogoutView.as_view(), name="logout"),
    path("language/", language_set, name="set_language"),
    # The scripts' translations (the djangojs catalogues), as a script from our own origin; the
    # page adds its language to the address, so a browser may cache each language's copy.
    path(
        "jsi18n/",
        cache_control(max_age=3600)(JavaScriptCatalog.as_view()),
        name="javascript-catalog",
    ),
    path(
        "password-reset/",
        # The mail is sent by a background task, in the user's language (sambandh/security).
        security_views.PasswordResetView.as_view(),
        name="password_reset",
    ),
    path(
        "password-reset/sent/",
        auth_views.PasswordResetDoneView.as_view(),
        name="password_reset_done",
    ),
    path(
        "reset/<uidb64>/<token>/",
        security_views.PasswordResetConfirmView.as_view(),
        name="password_reset_confirm",
    ),
    path(
        "reset/done/",
        auth_views.PasswordResetCompleteView.as_view(),
        name="password_reset_complete",
    ),
    # The admin site logs in through /login/ and its second step, never on its own form.
    path("admin/login/", mfa_views.admin_login, name="admin_login"),
    path("admin/", admin.site.urls),
    path("", include("sambandh.home.urls")),
    path("", include("sambandh.contacts.urls")),
    path("", include("sambandh.sales.urls")),
    path("", include("sambandh.activities.urls")),
    path("", include("sambandh.bulk.urls")),
    path("", include("sambandh.exports.urls")),
    path("", include("sambandh.consents.urls")),
    path("consent/", include("sambandh.consents.public_urls")),
    path("", include("sambandh.emails.urls")),
    path("", include("sambandh.attachments.urls")),
    path("search/", include("sambandh.search.urls")),
    path("account/", include("sambandh.security.urls")),
    path("account/security/", include("sambandh.mfa.urls")),
    path("account/", include("sambandh.accounts.urls")),
    path("settings/", include("sambandh.administration.urls")),
    path("notifications/", include("sambandh.notifications.urls")),
    path("recycle-bin/", include("sambandh.recyclebin.urls")),
    path("privacy/", include("sambandh.privacy.urls")),
    path("duplicates/", include("sambandh.dedupe.urls")),
    path("imports/", include("sambandh.imports.urls")),
    path("panel/", include("sambandh.panels.urls")),
    path("history/", include("sambandh.history.urls")),
]
