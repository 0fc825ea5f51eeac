"""Every young person recorded with an EHC plan (the yes/no field) gets an EHC plan record, dates unknown, so the
dated records replace the flag without losing it. Run again, it adds nothing; going back removes those records."""

from django.db import migrations

MOVED_NOTE = "Recorded as yes before EHC plan dates were kept: add the dates"


def forwards(apps, schema_editor):  # type: ignore[no-untyped-def]
    YoungPerson = apps.get_model("people", "YoungPerson")
    EHCPlan = apps.get_model("supporters", "EHCPlan")
    have = set(EHCPlan.objects.values_list("person_id", flat=True))
    EHCPlan.objects.bulk_create(
        EHCPlan(person_id=pk, notes=MOVED_NOTE)
        for pk in YoungPerson.objects.filter(ehcp=True).values_list("pk", flat=True)
        if pk not in have
    )


def backwards(apps, schema_editor):  # type: ignore[no-untyped-def]
    apps.get_model("supporters", "EHCPlan").objects.filter(notes=MOVED_NOTE, issued_on__isnull=True).delete()


class Migration(migrations.Migration):
    dependencies = [("supporters", "0006_transitions"), ("people", "0005_accommodation_spell_provider")]

    operations = [migrations.RunPython(forwards, backwards)]
