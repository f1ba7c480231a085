from django.urls import path

from sambandh.exports import views

app_name = "exports"

urlpatterns = [
    path("exports/<slug:list_key>/", views.export_list, name="list"),
    path("exports/<slug:list_key>/selection/", views.export_selection, name="selection"),
]
