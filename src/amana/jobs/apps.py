from django.apps import AppConfig


class JobsConfig(AppConfig):
    name = "amana.jobs"
    label = "jobs"

    def ready(self) -> None:
        from amana.core.signals import serving
        from amana.jobs.scheduler import start_when_serving

        serving.connect(start_when_serving, dispatch_uid="amana.jobs.scheduler")
