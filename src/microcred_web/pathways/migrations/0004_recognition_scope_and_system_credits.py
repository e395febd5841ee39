from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("pathways", "0003_merge_assignment_and_recognition"),
    ]

    operations = [
        migrations.AddField(
            model_name="recognition",
            name="system_credits",
            field=models.JSONField(blank=True, default=dict),
        ),
        migrations.AddField(
            model_name="recognition",
            name="only_in_step",
            field=models.BooleanField(default=False, verbose_name="only in its step"),
        ),
    ]
