from django.urls import path

from sambandh.activities import views

app_name = "activities"
urlpatterns = [
    path("tasks/", views.my_tasks, name="my_tasks"),
    path("activities/new/", views.activity_create, name="activity_create"),
    path("activities/<id:activity_id>/edit/", views.activity_edit, name="activity_edit"),
    path("activities/<id:activity_id>/toggle/", views.task_toggle, name="task_toggle"),
    path("activities/<id:activity_id>/delete/", views.activity_delete, name="activity_delete"),
    path("activities/<id:activity_id>/pin/", views.note_pin, name="note_pin"),
    path("timeline/<str:record_type>/<id:record_id>/", views.timeline_page, name="timeline"),
]
