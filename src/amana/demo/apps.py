from django.apps import AppConfig


class DemoConfig(AppConfig):
    name = "amana.demo"
    label = "demo"
