from django.urls import path

from kotacerdas.regions import views

app_name = "regions"

urlpatterns = [
    path("", views.region_home, name="home"),
    path("areas/", views.area_list, name="area_list"),
    path("areas/<pk:area_id>/", views.area_detail, name="area_detail"),
]
