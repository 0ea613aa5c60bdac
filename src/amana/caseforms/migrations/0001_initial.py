# FormDefinition and FormRecord moved here from `cases` (cases/0003 takes them out of its
# state). Their tables stay `cases_formdefinition` and `cases_formrecord`: this migration
# changes only Django's model state, and relabels their content types; the database schema is
# untouched.

import amana.crypto.fields
import django.db.models.deletion
import django.utils.timezone
import uuid
from django.conf import settings
from django.db import migrations, models

MOVED = ("formdefinition", "formrecord")


def relabel_content_types(apps, schema_editor, old="cases", new="caseforms"):
    ContentType = apps.get_model("contenttypes", "ContentType")
    ContentType.objects.using(schema_editor.connection.alias).filter(
        app_label=old, model__in=MOVED
    ).update(app_label=new)


def unrelabel_content_types(apps, schema_editor):
    relabel_content_types(apps, schema_editor, old="caseforms", new="cases")


class Migration(migrations.Migration):

    initial = True

    dependencies = [
        ('accounts', '0001_initial'),
        ('cases', '0002_formdefinition_unique_shipped_form_version'),
        ('contenttypes', '0002_remove_content_type_name'),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.CreateModel(
                    name='FormDefinition',
                    fields=[
                        ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                        ('form_id', models.CharField(max_length=64)),
                        ('version', models.PositiveIntegerField()),
                        ('definition', models.JSONField()),
                        ('created_at', models.DateTimeField(default=django.utils.timezone.now)),
                        ('agency', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.PROTECT, to='accounts.agency')),
                        ('created_by', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.PROTECT, related_name='+', to=settings.AUTH_USER_MODEL)),
                    ],
                    options={
                        'db_table': 'cases_formdefinition',
                        'constraints': [
                            models.UniqueConstraint(fields=('form_id', 'agency', 'version'), name='unique_form_version'),
                            models.UniqueConstraint(condition=models.Q(('agency__isnull', True)), fields=('form_id', 'version'), name='unique_shipped_form_version'),
                        ],
                    },
                ),
                migrations.CreateModel(
                    name='FormRecord',
                    fields=[
                        ('id', models.UUIDField(default=uuid.uuid4, editable=False, primary_key=True, serialize=False)),
                        ('data', amana.crypto.fields.EncryptedTextField()),
                        ('status', models.CharField(choices=[('draft', 'Draft'), ('submitted', 'Awaiting approval'), ('approved', 'Approved'), ('returned', 'Returned for changes'), ('done', 'Done')], default='draft', max_length=12)),
                        ('decided_at', models.DateTimeField(blank=True, null=True)),
                        ('decision_note', models.TextField(blank=True)),
                        ('created_at', models.DateTimeField(default=django.utils.timezone.now)),
                        ('updated_at', models.DateTimeField(auto_now=True)),
                        ('version', models.PositiveIntegerField(default=1)),
                        ('case', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='forms', to='cases.case')),
                        ('created_by', models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='+', to=settings.AUTH_USER_MODEL)),
                        ('decided_by', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.PROTECT, related_name='+', to=settings.AUTH_USER_MODEL)),
                        ('form', models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='+', to='caseforms.formdefinition')),
                    ],
                    options={
                        'db_table': 'cases_formrecord',
                        'ordering': ['created_at'],
                    },
                ),
            ],
            database_operations=[],
        ),
        migrations.RunPython(relabel_content_types, unrelabel_content_types, elidable=True),
    ]
