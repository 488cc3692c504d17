from django.urls import path

from kotacerdas.servicerequests import views

app_name = "servicerequests"

urlpatterns = [
    path("", views.catalogue, name="catalogue"),
    path("signup/", views.signup, name="signup"),
    path("my/", views.my_requests, name="mine"),
    path("my/nik/", views.my_nik, name="my_nik"),
    path("my/data.json", views.my_data, name="my_data"),
    path("my/data-request/<slug:kind>/", views.my_data_request, name="my_data_request"),
    path("inbox/", views.inbox, name="inbox"),
    path("export.csv", views.export_csv, name="export_csv"),
    path("export.xlsx", views.export_xlsx, name="export_xlsx"),
    path("ranking/", views.ranking, name="ranking"),
    path("manage/", views.catalogue_manage, name="catalogue_manage"),
    path("manage/<str:service_code>/", views.catalogue_manage, name="catalogue_edit"),
    path("manage/<str:service_code>/questions/", views.question_add, name="question_add"),
    path("manage/<str:service_code>/questions/<pk:attribute_pk>/", views.question_edit, name="question_edit"),
    path(
        "manage/<str:service_code>/questions/<pk:attribute_pk>/delete/",
        views.question_delete,
        name="question_delete",
    ),
    path("manage/<str:service_code>/routes/", views.route_add, name="route_add"),
    path("manage/<str:service_code>/routes/<pk:route_pk>/delete/", views.route_delete, name="route_delete"),
    path("data-requests/", views.data_request_list, name="data_requests"),
    path("data-requests/<pk:data_request_pk>/", views.data_request_detail, name="data_request"),
    path("data-requests/<pk:data_request_pk>/correct/", views.data_request_correct, name="data_request_correct"),
    path("data-requests/<pk:data_request_pk>/erase/", views.data_request_erase, name="data_request_erase"),
    path("data-requests/<pk:data_request_pk>/refuse/", views.data_request_refuse, name="data_request_refuse"),
    path("citizens/<pk:citizen_pk>/", views.citizen_detail, name="citizen"),
    path("citizens/<pk:citizen_pk>/nik/", views.citizen_nik, name="citizen_nik"),
    path("requests/", views.request_list, name="requests"),
    path("requests/<pk:service_request_pk>/", views.request_detail, name="request"),
    path("requests/<pk:service_request_pk>/reopen/", views.request_reopen, name="request_reopen"),
    path("requests/<pk:service_request_pk>/reroute/", views.request_reroute, name="request_reroute"),
    path("requests/<pk:service_request_pk>/<slug:action>/", views.request_act, name="request_act"),
    path("<str:service_code>/", views.service_detail, name="service"),
]
