from django.apps import AppConfig


class CoreConfig(AppConfig):
    name = "amana.core"
    label = "core"
