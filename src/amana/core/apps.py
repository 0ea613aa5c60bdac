from typing import Any

from django.apps import AppConfig


class CoreConfig(AppConfig):
    name = "amana.core"
    label = "core"

    def ready(self) -> None:
        from django.contrib.auth.signals import user_logged_in
        from django.db.models.signals import post_migrate

        from amana.core import checks  # noqa: F401  (registers the deploy checks)
        from amana.core.db_roles import grant_after_migrate

        user_logged_in.connect(_stamp_session_start, dispatch_uid="amana.core.session_start")
        post_migrate.connect(grant_after_migrate, sender=self, dispatch_uid="amana.core.grants")


def _stamp_session_start(sender: Any, request: Any, user: Any, **kwargs: Any) -> None:
    """Every log-in starts the clock of the absolute session lifetime."""
    from amana.core.middleware import stamp_session_start

    if request is not None and hasattr(request, "session"):
        stamp_session_start(request)
