from django.apps import AppConfig


class ReferralsConfig(AppConfig):
    name = "amana.referrals"
    label = "referrals"
