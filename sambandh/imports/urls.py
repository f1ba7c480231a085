from django.urls import path

from sambandh.imports import views, views_wizard

app_name = "imports"

urlpatterns = [
    path("", views.job_list, name="list"),
    path("new/", views_wizard.upload, name="upload"),
    path("new/mapping/", views_wizard.mapping, name="mapping"),
    path("<id:import_id>/", views.job_page, name="job"),
    path("<id:import_id>/run/", views.job_run, name="job_run"),
    path("<id:import_id>/cancel/", views.job_cancel, name="job_cancel"),
    path("<id:import_id>/undo/", views.job_undo, name="job_undo"),
    path("<id:import_id>/report/", views.job_report, name="job_report"),
]
