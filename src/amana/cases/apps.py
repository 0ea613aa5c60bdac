from django.apps import AppConfig


class CasesConfig(AppConfig):
    name = "amana.cases"
    label = "cases"
