from django.apps import AppConfig


class IdempotencyConfig(AppConfig):
    name = "amana.idempotency"
    label = "idempotency"
