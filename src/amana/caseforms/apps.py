from django.apps import AppConfig
from django.db.models.signals import post_delete, post_save


class CaseformsConfig(AppConfig):
    name = "amana.caseforms"
    label = "caseforms"
    verbose_name = "Case forms"

    def ready(self) -> None:
        from amana.caseforms.formdefs.storage import forget_versions
        from amana.caseforms.models import FormDefinition

        post_save.connect(forget_versions, sender=FormDefinition, dispatch_uid="form-versions")
        post_delete.connect(forget_versions, sender=FormDefinition, dispatch_uid="form-versions-d")
