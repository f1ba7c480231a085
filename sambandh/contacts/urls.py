from django.urls import path

from sambandh.contacts import views, views_merge, views_quick

app_name = "contacts"
urlpatterns = [
    path("people/", views.person_list, name="person_list"),
    path("people/new/", views.person_create, name="person_create"),
    path("people/suggest/", views.person_suggest, name="person_suggest"),
    path("people/quick/", views_quick.person_quick_create, name="person_quick_create"),
    path("people/merge/", views_merge.person_merge, name="person_merge"),
    path("organizations/merge/", views_merge.organization_merge, name="organization_merge"),
    path("merges/<id:merge_id>/undo/", views_merge.merge_undo_view, name="merge_undo"),
    path("people/<id:person_id>/", views.person_detail, name="person_detail"),
    path("people/<id:person_id>/edit/", views.person_edit, name="person_edit"),
    path("people/<id:person_id>/delete/", views.person_delete, name="person_delete"),
    path("organizations/", views.organization_list, name="organization_list"),
    path("organizations/new/", views.organization_create, name="organization_create"),
    path("organizations/suggest/", views.organization_suggest, name="organization_suggest"),
    path(
        "organizations/quick/",
        views_quick.organization_quick_create,
        name="organization_quick_create",
    ),
    path(
        "organizations/<id:organization_id>/",
        views.organization_detail,
        name="organization_detail",
    ),
    path(
        "organizations/<id:organization_id>/edit/",
        views.organization_edit,
        name="organization_edit",
    ),
    path(
        "organizations/<id:organization_id>/delete/",
        views.organization_delete,
        name="organization_delete",
    ),
]
