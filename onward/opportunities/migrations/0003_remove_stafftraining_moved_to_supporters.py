"""Staff training records moved to ``supporters.TrainingRecord`` (any course, any attendee): the table goes once
``supporters`` 0004 has copied its rows."""

from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [
        ("opportunities", "0002_sustainmentcheck_version"),
        ("supporters", "0004_training_from_opportunities"),
    ]

    operations = [
        migrations.DeleteModel(name="StaffTraining"),
    ]
