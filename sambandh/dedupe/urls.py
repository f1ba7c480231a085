from django.urls import path

from sambandh.dedupe import views, views_candidates

app_name = "dedupe"

urlpatterns = [
    path("", views.review, name="review"),
    path("scan/", views.scan, name="scan"),
    path("<id:pair_id>/dismiss/", views.dismiss, name="dismiss"),
    path(
        "candidates/people/",
        views_candidates.candidates,
        {"record_type": "person"},
        name="person_candidates",
    ),
    path(
        "candidates/organizations/",
        views_candidates.candidates,
        {"record_type": "organization"},
        name="organization_candidates",
    ),
    path(
        "candidates/leads/",
        views_candidates.candidates,
        {"record_type": "lead"},
        name="lead_candidates",
    ),
]
