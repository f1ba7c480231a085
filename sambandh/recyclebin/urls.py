from django.urls import path

from sambandh.recyclebin import views

app_name = "recyclebin"

urlpatterns = [
    path("", views.bin_list, name="list"),
    path("<id:entry_id>/restore/", views.bin_restore, name="restore"),
]
