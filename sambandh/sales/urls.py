from django.urls import path

from sambandh.sales import views, views_money

app_name = "sales"
urlpatterns = [
    path("deals/", views.deal_board, name="deal_board"),
    path("deals/list/", views.deal_list, name="deal_list"),
    path("deals/new/", views.deal_create, name="deal_create"),
    path("deals/stages/", views.deal_stage_options, name="deal_stage_options"),
    path("deals/currencies/", views_money.deal_currency_options, name="deal_currency_options"),
    path("deals/<id:deal_id>/", views.deal_detail, name="deal_detail"),
    path("deals/<id:deal_id>/edit/", views.deal_edit, name="deal_edit"),
    path("deals/<id:deal_id>/move/", views.deal_move, name="deal_move"),
    path("deals/<id:deal_id>/delete/", views.deal_delete, name="deal_delete"),
    path("leads/", views.lead_list, name="lead_list"),
    path("leads/new/", views.lead_create, name="lead_create"),
    path("leads/<id:lead_id>/", views.lead_detail, name="lead_detail"),
    path("leads/<id:lead_id>/edit/", views.lead_edit, name="lead_edit"),
    path("leads/<id:lead_id>/convert/", views.lead_convert, name="lead_convert"),
    path("leads/<id:lead_id>/delete/", views.lead_delete, name="lead_delete"),
]
