from django.urls import URLPattern

app_name = "servicerequests"

urlpatterns: list[URLPattern] = []
