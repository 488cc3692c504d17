from django.urls import URLPattern

app_name = "replication"

urlpatterns: list[URLPattern] = []
