from django.apps import AppConfig


class ServicerequestsConfig(AppConfig):
    name = "kotacerdas.servicerequests"
    label = "servicerequests"
