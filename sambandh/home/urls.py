from django.urls import path

from sambandh.home import views

app_name = "home"
urlpatterns = [
    path("", views.index, name="index"),
]
