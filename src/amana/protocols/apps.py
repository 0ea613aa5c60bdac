from django.apps import AppConfig


class ProtocolsConfig(AppConfig):
    name = "amana.protocols"
    label = "protocols"
