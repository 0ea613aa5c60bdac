from django.apps import AppConfig


class OpsConfig(AppConfig):
    name = "amana.ops"
    label = "ops"
