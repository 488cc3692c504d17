from django.apps import AppConfig


class PlanningConfig(AppConfig):
    name = "kotacerdas.planning"
    label = "planning"
