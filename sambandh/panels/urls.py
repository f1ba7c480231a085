from django.urls import path

from sambandh.panels import views

app_name = "panels"
urlpatterns = [
    path("<slug:record_type>/<id:record_id>/", views.record_panel, name="record"),
]
