from django.urls import path

from sambandh.dedupe import views

app_name = "dedupe"

urlpatterns = [
    path("", views.review, name="review"),
    path("scan/", views.scan, name="scan"),
    path("<id:pair_id>/dismiss/", views.dismiss, name="dismiss"),
]
