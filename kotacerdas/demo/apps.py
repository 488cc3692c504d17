from django.apps import AppConfig


class DemoConfig(AppConfig):
    name = "kotacerdas.demo"
    label = "demo"
