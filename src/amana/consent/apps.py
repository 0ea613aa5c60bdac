from django.apps import AppConfig


class ConsentConfig(AppConfig):
    name = "amana.consent"
    label = "consent"
