from django.urls import path

from sambandh.notifications import views

app_name = "notifications"

urlpatterns = [
    path("", views.notification_list, name="list"),
    path("read-all/", views.notification_read_all, name="read_all"),
    path("digest/", views.digest_toggle, name="digest"),
    path("<id:notification_id>/open/", views.notification_open, name="open"),
]
