from django.apps import AppConfig


class RefdataConfig(AppConfig):
    name = "amana.refdata"
    label = "refdata"
    verbose_name = "Reference data"
