"""Status lists keep a reservation bitmap; existing lists get the indexes already in use."""

from __future__ import annotations

from typing import Any

from django.db import migrations, models

_FIELDS = {
    "revocation": ("revocation_list_id", "revocation_status_index"),
    "suspension": ("suspension_list_id", "suspension_status_index"),
}


def backfill(apps: Any, schema_editor: Any) -> None:
    status_list_model = apps.get_model("issuing", "StatusList")
    credential_model = apps.get_model("issuing", "Credential")
    for status_list in status_list_model.objects.all().iterator():
        list_field, index_field = _FIELDS[status_list.purpose]
        bits = bytearray((status_list.size + 7) // 8)
        count = 0
        for index in credential_model.objects.filter(**{list_field: status_list.pk}).values_list(
            index_field, flat=True
        ):
            if not bits[index >> 3] & (1 << (index & 7)):
                bits[index >> 3] |= 1 << (index & 7)
                count += 1
        status_list.allocated = bytes(bits)
        status_list.allocated_count = count
        status_list.save(update_fields=["allocated", "allocated_count"])


class Migration(migrations.Migration):
    dependencies = [("issuing", "0001_initial")]

    operations = [
        migrations.AddField(
            model_name="statuslist",
            name="allocated",
            field=models.BinaryField(default=b"", editable=False),
        ),
        migrations.AddField(
            model_name="statuslist",
            name="allocated_count",
            field=models.PositiveIntegerField(default=0),
        ),
        migrations.RunPython(backfill, migrations.RunPython.noop),
    ]
