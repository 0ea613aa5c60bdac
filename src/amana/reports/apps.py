from django.apps import AppConfig


class ReportsConfig(AppConfig):
    name = "amana.reports"
    label = "reports"
