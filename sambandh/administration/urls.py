from django.urls import path

from sambandh.administration import (
    views,
    views_audit,
    views_customfields,
    views_fields,
    views_jobs,
    views_pipelines,
    views_rates,
    views_teams,
    views_users,
)

app_name = "administration"
urlpatterns = [
    path("", views.index, name="index"),
    path("users/", views_users.users, name="users"),
    path("users/invite/", views_users.user_invite, name="user_invite"),
    path("users/<id:user_id>/", views_users.user_detail, name="user_detail"),
    path("teams/", views_teams.teams, name="teams"),
    path("teams/<id:team_id>/", views_teams.team_detail, name="team_detail"),
    path("teams/<id:team_id>/delete/", views_teams.team_delete, name="team_delete"),
    path("pipelines/", views_pipelines.pipelines, name="pipelines"),
    path("pipelines/new/", views_pipelines.pipeline_create, name="pipeline_create"),
    path("pipelines/<id:pipeline_id>/", views_pipelines.pipeline_edit, name="pipeline_edit"),
    path(
        "pipelines/<id:pipeline_id>/default/",
        views_pipelines.pipeline_make_default,
        name="pipeline_default",
    ),
    path(
        "pipelines/<id:pipeline_id>/delete/",
        views_pipelines.pipeline_delete,
        name="pipeline_delete",
    ),
    path("company/", views.company, name="company"),
    path("exchange-rates/", views_rates.rates, name="rates"),
    path("fields/", views_fields.field_permissions, name="fields"),
    path("custom-fields/", views_customfields.custom_fields, name="custom_fields"),
    path(
        "custom-fields/<id:field_id>/",
        views_customfields.custom_field_edit,
        name="custom_field_edit",
    ),
    path(
        "custom-fields/<id:field_id>/<slug:action>/",
        views_customfields.custom_field_action,
        name="custom_field_action",
    ),
    path("jobs/", views_jobs.jobs, name="jobs"),
    path("audit/", views_audit.audit_log, name="audit"),
    path(
        "jobs/handler-runs/<id:run_id>/retry/",
        views_jobs.handler_run_retry,
        name="handler_run_retry",
    ),
]
