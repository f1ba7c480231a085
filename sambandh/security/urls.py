from django.urls import path

from sambandh.security import views

app_name = "security"
urlpatterns = [
    path("sessions/", views.sessions, name="sessions"),
    path("sessions/others/revoke/", views.sessions_revoke_others, name="sessions_revoke_others"),
    path("sessions/<slug:digest>/revoke/", views.session_revoke, name="session_revoke"),
    path("password/", views.password_change, name="password_change"),
]
