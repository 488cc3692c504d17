from django.apps import AppConfig


class JimpitanConfig(AppConfig):
    name = "kotacerdas.jimpitan"
    label = "jimpitan"
