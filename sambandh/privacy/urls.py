from django.urls import path

from sambandh.privacy import views

app_name = "privacy"

urlpatterns = [
    path("", views.request_list, name="requests"),
    path("requests/new/", views.request_new, name="request_new"),
    path("requests/<id:request_id>/", views.request_detail, name="request"),
    path("requests/<id:request_id>/<slug:action>/", views.request_action, name="request_action"),
    path("retention/", views.policy_list, name="retention"),
    path("retention/<id:policy_id>/", views.policy_detail, name="policy"),
    path("retention/<id:policy_id>/<slug:action>/", views.policy_action, name="policy_action"),
    path("settings/", views.settings_page, name="settings"),
]
