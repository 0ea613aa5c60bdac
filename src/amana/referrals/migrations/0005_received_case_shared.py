"""An accepted referral links to the recipient's case; several referrals of one child may link
to the same existing case, so the link is no longer one-to-one."""

import django.db.models.deletion
from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("cases", "0004_received_at"),
        ("referrals", "0004_encrypt_response_reason"),
    ]

    operations = [
        migrations.AlterField(
            model_name="referral",
            name="received_case",
            field=models.ForeignKey(
                blank=True,
                null=True,
                on_delete=django.db.models.deletion.PROTECT,
                related_name="received_referrals",
                to="cases.case",
            ),
        ),
    ]
