"""Move the fixed two-course staff training records of ``opportunities`` into the open training records.

Each ``StaffTraining`` row becomes a ``TrainingRecord`` of a council staff member, for a course named as the
old choice was labelled and coded as it was keyed (so the employer-engagement counts still find it). Run
again, it adds nothing (``legacy_id``). Going back removes the moved records; the rows themselves are
restored by reversing the opportunities migration that removes their table.
"""

from django.db import migrations

COURSES = {"employer_engagement": "Employer engagement", "interview_support": "Interview support"}


def forwards(apps, schema_editor):  # type: ignore[no-untyped-def]
    StaffTraining = apps.get_model("opportunities", "StaffTraining")
    TrainingCourse = apps.get_model("supporters", "TrainingCourse")
    TrainingRecord = apps.get_model("supporters", "TrainingRecord")
    moved = set(TrainingRecord.objects.filter(legacy_id__isnull=False).values_list("legacy_id", flat=True))
    for row in StaffTraining.objects.order_by("pk"):
        if row.pk in moved:
            continue
        course, _ = TrainingCourse.objects.get_or_create(
            council_id=row.council_id,
            name=COURSES.get(row.course, row.course),
            defaults={"code": row.course},
        )
        TrainingRecord.objects.create(
            council_id=row.council_id,
            course=course,
            attendee_kind="staff",
            staff_id=row.staff_id,
            completed_on=row.completed_on,
            recorded_by_id=row.recorded_by_id,
            legacy_id=row.pk,
        )


def backwards(apps, schema_editor):  # type: ignore[no-untyped-def]
    StaffTraining = apps.get_model("opportunities", "StaffTraining")
    TrainingRecord = apps.get_model("supporters", "TrainingRecord")
    for record in TrainingRecord.objects.filter(attendee_kind="staff", course__code__in=list(COURSES)):
        if record.legacy_id is None or not StaffTraining.objects.filter(pk=record.legacy_id).exists():
            StaffTraining.objects.create(
                council_id=record.council_id,
                staff_id=record.staff_id,
                course=record.course.code,
                completed_on=record.completed_on,
                recorded_by_id=record.recorded_by_id,
            )
    TrainingRecord.objects.filter(attendee_kind="staff", course__code__in=list(COURSES)).delete()


class Migration(migrations.Migration):
    dependencies = [
        ("supporters", "0003_training"),
        ("opportunities", "0002_sustainmentcheck_version"),
    ]

    operations = [migrations.RunPython(forwards, backwards)]
