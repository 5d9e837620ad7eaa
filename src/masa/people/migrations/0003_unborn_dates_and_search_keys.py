"""Data for the new fields: unborn children's due dates move to their own field, and the
children already recorded get their name search keys. A migration of its own, so the data
changes run in a transaction apart from 0002's schema changes (PostgreSQL refuses to alter a
table with pending trigger events)."""

import datetime as dt

from django.db import migrations


def unborn_to_expected_date(apps, schema_editor):
    """Before this migration an unborn child's due date was kept as a future date of birth."""
    Child = apps.get_model("people", "Child")
    today = dt.date.today()
    for child in Child.objects.filter(date_of_birth__gt=today).only("pk", "date_of_birth"):
        Child.objects.filter(pk=child.pk).update(
            expected_date_of_birth=child.date_of_birth, date_of_birth=None
        )


def index_existing_names(apps, schema_editor):
    """Search keys for the children already recorded (later ones are indexed by services)."""
    from masa.people.search import index_rows

    Child = apps.get_model("people", "Child")
    PersonSearchKey = apps.get_model("people", "PersonSearchKey")
    names = Child.objects.values_list("pk", "first_name", "last_name").iterator()
    rows = index_rows((pk, (first, last)) for pk, first, last in names)
    PersonSearchKey.objects.bulk_create(
        [PersonSearchKey(child_id=pk, key=key) for pk, key in rows], batch_size=2000
    )


class Migration(migrations.Migration):
    dependencies = [("people", "0002_identifiers_family_addresses_search")]

    operations = [
        migrations.RunPython(unborn_to_expected_date, migrations.RunPython.noop),
        migrations.RunPython(index_existing_names, migrations.RunPython.noop),
    ]
