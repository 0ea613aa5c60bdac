"""Cases opened from a transfer accepted before `Case.received_at` existed: the day the
transfer was accepted."""

from django.db import migrations


def fill(apps, schema_editor):
    Referral = apps.get_model("referrals", "Referral")
    Case = apps.get_model("cases", "Case")
    answered = Referral.objects.filter(received_case__isnull=False, responded_at__isnull=False)
    for case_id, responded_at in answered.values_list("received_case_id", "responded_at"):
        Case.objects.filter(pk=case_id, received_at__isnull=True).update(received_at=responded_at)


class Migration(migrations.Migration):
    dependencies = [
        ("referrals", "0002_purpose_transfer_feedback_notices"),
        ("cases", "0004_received_at"),
    ]

    operations = [migrations.RunPython(fill, migrations.RunPython.noop, elidable=True)]
