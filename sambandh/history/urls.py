from django.urls import path

from sambandh.history import views

app_name = "history"
urlpatterns = [
    path("<slug:record_type>/<id:record_id>/", views.record_history, name="record"),
    path("entries/<id:event_id>/restore/", views.restore, name="restore"),
]
