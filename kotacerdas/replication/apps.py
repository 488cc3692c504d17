from django.apps import AppConfig


class ReplicationConfig(AppConfig):
    name = "kotacerdas.replication"
    label = "replication"
