from django.urls import path

from kotacerdas.framework import views

app_name = "framework"

urlpatterns = [
    path("", views.dimension_list, name="dimensions"),
    path("coverage/", views.coverage, name="coverage"),
]
