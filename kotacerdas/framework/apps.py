from django.apps import AppConfig


class FrameworkConfig(AppConfig):
    name = "kotacerdas.framework"
    label = "framework"
