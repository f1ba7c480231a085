from django.urls import path

from sambandh.search import views

app_name = "search"
urlpatterns = [
    path("", views.results, name="results"),
    path("palette/", views.palette, name="palette"),
]
