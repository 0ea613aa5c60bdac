from django.apps import AppConfig


class CryptoConfig(AppConfig):
    name = "amana.crypto"
    label = "crypto"
