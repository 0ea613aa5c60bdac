from django.apps import AppConfig


class ReferralsConfig(AppConfig):
    name = "amana.referrals"
    label = "referrals"

    def ready(self) -> None:
        from amana.consent.signals import refusal_recorded
        from amana.referrals.actions.withdrawal import on_refusal_recorded

        refusal_recorded.connect(on_refusal_recorded, dispatch_uid="referrals.revoke")
