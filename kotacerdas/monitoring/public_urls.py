from django.urls import path

from kotacerdas.monitoring import public_views

app_name = "open"

urlpatterns = [
    path("", public_views.open_home, name="home"),
    path("programmes/<pk:programme_id>/", public_views.open_programme, name="programme"),
    path("evaluation/", public_views.open_evaluation, name="evaluation"),
    path("data/", public_views.open_data, name="data"),
    path("data/<slug:dataset>.csv", public_views.open_dataset, {"fmt": "csv"}, name="dataset_csv"),
    path("data/<slug:dataset>.json", public_views.open_dataset, {"fmt": "json"}, name="dataset_json"),
]
