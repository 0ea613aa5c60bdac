from django.apps import AppConfig
from django.db.models.signals import post_delete, post_save


class RefdataConfig(AppConfig):
    name = "amana.refdata"
    label = "refdata"
    verbose_name = "Reference data"

    def ready(self) -> None:
        from amana.refdata.cache import forget_on_change
        from amana.refdata.models import Location, Lookup

        for model in (Location, Lookup):
            post_save.connect(forget_on_change, sender=model, dispatch_uid=f"refdata-{model}")
            post_delete.connect(forget_on_change, sender=model, dispatch_uid=f"refdata-d-{model}")
