from django.urls import path

from sambandh.home import views, views_records

app_name = "home"
urlpatterns = [
    path("", views.index, name="index"),
    path("records/<slug:list_key>/", views_records.record_list, name="record_list"),
]
