from django.urls import path

from sambandh.attachments import views

app_name = "attachments"
urlpatterns = [
    path("attachments/<str:record_type>/<id:record_id>/", views.panel, name="panel"),
    path("attachments/<id:attachment_id>/download/", views.download, name="download"),
    path("attachments/<id:attachment_id>/inline/", views.inline, name="inline"),
    path("attachments/<id:attachment_id>/preview/", views.preview, name="preview"),
    path("attachments/<id:attachment_id>/delete/", views.delete, name="delete"),
]
