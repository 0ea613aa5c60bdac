# FormDefinition and FormRecord moved to `caseforms`, Location and Lookup to `refdata`: taken
# out of this app's model state only (their tables keep their names and their data), after the
# new apps have taken them into theirs and the case's own references point there.

import django.db.models.deletion
from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ('cases', '0002_formdefinition_unique_shipped_form_version'),
        ('caseforms', '0001_initial'),
        ('refdata', '0001_initial'),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.AlterField(
                    model_name='case',
                    name='location',
                    field=models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.PROTECT, to='refdata.location'),
                ),
                migrations.AlterField(
                    model_name='case',
                    name='concerns',
                    field=models.ManyToManyField(blank=True, related_name='+', to='refdata.lookup'),
                ),
                migrations.DeleteModel(name='FormRecord'),
                migrations.DeleteModel(name='FormDefinition'),
                migrations.DeleteModel(name='Location'),
                migrations.DeleteModel(name='Lookup'),
            ],
            database_operations=[],
        ),
    ]
