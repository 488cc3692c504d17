from django.urls import path

from kotacerdas.monitoring import public_views

app_name = "open"

urlpatterns = [
    path("", public_views.open_home, name="home"),
    path("programmes/<pk:programme_id>/", public_views.open_programme, name="programme"),
    path("evaluation/", public_views.open_evaluation, name="evaluation"),
]
