from django.urls import path

from sambandh.bulk import views

app_name = "bulk"

urlpatterns = [
    path("bulk/<slug:list_key>/", views.bulk_start, name="start"),
    path("bulk/<slug:list_key>/count/", views.bulk_count, name="count"),
    path("bulk/<slug:list_key>/field/", views.bulk_field_input, name="field_input"),
    path("lists/<slug:list_key>/count/", views.list_count, name="list_count"),
    path("jobs/<id:job_id>/", views.job_page, name="job"),
    path("jobs/<id:job_id>/undo/", views.job_undo, name="job_undo"),
]
