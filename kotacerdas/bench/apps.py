from django.apps import AppConfig


class BenchConfig(AppConfig):
    name = "kotacerdas.bench"
    label = "bench"
