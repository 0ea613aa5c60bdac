from django.apps import AppConfig


class CaseformsConfig(AppConfig):
    name = "amana.caseforms"
    label = "caseforms"
    verbose_name = "Case forms"
