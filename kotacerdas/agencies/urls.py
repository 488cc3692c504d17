from django.urls import path

from kotacerdas.agencies import views

app_name = "agencies"

urlpatterns = [
    path("", views.agency_list, name="list"),
    path("<slug:agency_slug>/", views.agency_detail, name="detail"),
    path("<slug:agency_slug>/capabilities/", views.capability_declare, name="capabilities"),
]
