from django.urls import path

from sambandh.accounts import views, views_shares

app_name = "accounts"
urlpatterns = [
    path("", views.profile, name="profile"),
    path("colleagues/", views.colleagues, name="colleagues"),
    path("tokens/", views.tokens, name="tokens"),
    path("tokens/<id:token_id>/revoke/", views.token_revoke, name="token_revoke"),
    path("shares/<str:record_type>/<id:record_id>/", views_shares.shares, name="shares"),
    path("shares/<str:record_type>/<id:record_id>/add/", views_shares.share_add, name="share_add"),
    path(
        "shares/<str:record_type>/<id:record_id>/<id:share_id>/remove/",
        views_shares.share_remove,
        name="share_remove",
    ),
]
