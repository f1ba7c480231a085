"""The pages a person reaches from an email, without logging in."""

from django.urls import path

from sambandh.consents import views

app_name = "consents_public"
urlpatterns = [
    path("confirm/<str:token>/", views.confirm, name="confirm"),
    path("unsubscribe/<str:token>/", views.unsubscribe, name="unsubscribe"),
]
