from typing import Any

from django.db import migrations, models
from django.db.models import F
from django.utils import timezone


def checked_when_verified(apps: Any, schema_editor: Any) -> None:
    ImportedCredential = apps.get_model("wallet", "ImportedCredential")
    ImportedCredential.objects.update(checked_at=F("verified_at"))


class Migration(migrations.Migration):
    dependencies = [
        ("wallet", "0002_import_label_status_unknown"),
    ]

    operations = [
        migrations.AddField(
            model_name="importedcredential",
            name="checked_at",
            field=models.DateTimeField(db_index=True, default=timezone.now),
        ),
        migrations.AddField(
            model_name="importedcredential",
            name="label_since",
            field=models.DateTimeField(blank=True, null=True),
        ),
        migrations.RunPython(checked_when_verified, migrations.RunPython.noop),
    ]
