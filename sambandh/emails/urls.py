from django.urls import path

from sambandh.emails import views

app_name = "emails"
urlpatterns = [
    path("people/<id:person_id>/email/", views.compose_to_person, name="compose_person"),
    path("deals/<id:deal_id>/email/", views.compose_on_deal, name="compose_deal"),
    path("emails/<id:activity_id>/retry/", views.retry, name="retry"),
]
