from django.urls import path

from sambandh.consents import views

app_name = "consents"
urlpatterns = [
    path("people/<id:person_id>/consents/", views.person_consents, name="person"),
]
