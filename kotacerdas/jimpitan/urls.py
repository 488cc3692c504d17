from django.urls import URLPattern

app_name = "jimpitan"

urlpatterns: list[URLPattern] = []
