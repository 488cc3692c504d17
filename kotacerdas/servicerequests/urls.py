from django.urls import path

from kotacerdas.servicerequests import views

app_name = "servicerequests"

urlpatterns = [
    path("", views.catalogue, name="catalogue"),
    path("signup/", views.signup, name="signup"),
    path("my/", views.my_requests, name="mine"),
    path("my/data.json", views.my_data, name="my_data"),
    path("my/data-request/<slug:kind>/", views.my_data_request, name="my_data_request"),
    path("inbox/", views.inbox, name="inbox"),
    path("export.csv", views.export_csv, name="export_csv"),
    path("export.xlsx", views.export_xlsx, name="export_xlsx"),
    path("ranking/", views.ranking, name="ranking"),
    path("manage/", views.catalogue_manage, name="catalogue_manage"),
    path("manage/<str:service_code>/", views.catalogue_manage, name="catalogue_edit"),
    path("requests/<pk:service_request_pk>/", views.request_detail, name="request"),
    path("requests/<pk:service_request_pk>/reopen/", views.request_reopen, name="request_reopen"),
    path("requests/<pk:service_request_pk>/reroute/", views.request_reroute, name="request_reroute"),
    path("requests/<pk:service_request_pk>/<slug:action>/", views.request_act, name="request_act"),
    path("<str:service_code>/", views.service_detail, name="service"),
]
