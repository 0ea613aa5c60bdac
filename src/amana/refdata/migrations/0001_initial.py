# Location and Lookup moved here from `cases` (cases/0003 takes them out of its state). Their
# tables stay `cases_location` and `cases_lookup`: this migration changes only Django's model
# state, and relabels their content types; the database schema is untouched.

import django.db.models.deletion
from django.db import migrations, models

MOVED = ("location", "lookup")


def relabel_content_types(apps, schema_editor, old="cases", new="refdata"):
    ContentType = apps.get_model("contenttypes", "ContentType")
    ContentType.objects.using(schema_editor.connection.alias).filter(
        app_label=old, model__in=MOVED
    ).update(app_label=new)


def unrelabel_content_types(apps, schema_editor):
    relabel_content_types(apps, schema_editor, old="refdata", new="cases")


class Migration(migrations.Migration):

    initial = True

    dependencies = [
        ('cases', '0002_formdefinition_unique_shipped_form_version'),
        ('contenttypes', '0002_remove_content_type_name'),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.CreateModel(
                    name='Location',
                    fields=[
                        ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                        ('code', models.CharField(max_length=64, unique=True, verbose_name='code')),
                        ('name', models.CharField(max_length=200, verbose_name='name')),
                        ('level', models.PositiveSmallIntegerField(verbose_name='level')),
                        ('parent', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.PROTECT, related_name='children', to='refdata.location')),
                    ],
                    options={
                        'db_table': 'cases_location',
                        'ordering': ['level', 'name'],
                    },
                ),
                migrations.CreateModel(
                    name='Lookup',
                    fields=[
                        ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                        ('kind', models.CharField(max_length=64, verbose_name='list')),
                        ('code', models.CharField(max_length=64, verbose_name='code')),
                        ('label', models.CharField(max_length=200, verbose_name='label')),
                        ('active', models.BooleanField(default=True, verbose_name='active')),
                    ],
                    options={
                        'db_table': 'cases_lookup',
                        'ordering': ['kind', 'label'],
                        'constraints': [models.UniqueConstraint(fields=('kind', 'code'), name='unique_lookup')],
                    },
                ),
            ],
            database_operations=[],
        ),
        migrations.RunPython(relabel_content_types, unrelabel_content_types, elidable=True),
    ]
