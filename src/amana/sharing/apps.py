from django.apps import AppConfig


class SharingConfig(AppConfig):
    name = "amana.sharing"
    label = "sharing"
