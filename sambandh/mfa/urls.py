from django.urls import path

from sambandh.mfa import views_profile

app_name = "mfa"
urlpatterns = [
    path("", views_profile.security, name="security"),
    path("start/", views_profile.start, name="start"),
    path("confirm/", views_profile.confirm, name="confirm"),
    path("recovery-codes/", views_profile.renew, name="renew"),
    path("disable/", views_profile.disable, name="disable"),
]
