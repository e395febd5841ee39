"""Fewer indexes written per credential (docs/decisions/0014).

The single-column indexes of ``organisation``, ``revocation_list`` and ``suspension_list`` go:
composite indexes leading with those columns serve the same lookups. The claim-token index
becomes partial (rows issued without delivery have none) and loses PostgreSQL's ``LIKE``
companion; ``recipient_did`` gets a partial index (the bulk check of who already holds an
achievement looks DIDs up). New public ids are time-ordered (no change to the column).
"""

import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models

import microcred_web.common.ids


class Migration(migrations.Migration):
    dependencies = [
        ("achievements", "0001_initial"),
        ("issuing", "0004_wallet_choices_and_linkedin_id"),
        ("orgs", "0001_initial"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.AlterField(
            model_name="credential",
            name="claim_token_hash",
            field=models.CharField(blank=True, max_length=64),
        ),
        migrations.AlterField(
            model_name="credential",
            name="organisation",
            field=models.ForeignKey(
                db_index=False,
                on_delete=django.db.models.deletion.CASCADE,
                related_name="credentials",
                to="orgs.organisation",
            ),
        ),
        migrations.AlterField(
            model_name="credential",
            name="public_id",
            field=models.UUIDField(
                default=microcred_web.common.ids.uuid7, editable=False, unique=True
            ),
        ),
        migrations.AlterField(
            model_name="credential",
            name="revocation_list",
            field=models.ForeignKey(
                db_index=False,
                on_delete=django.db.models.deletion.PROTECT,
                related_name="+",
                to="issuing.statuslist",
            ),
        ),
        migrations.AlterField(
            model_name="credential",
            name="suspension_list",
            field=models.ForeignKey(
                db_index=False,
                on_delete=django.db.models.deletion.PROTECT,
                related_name="+",
                to="issuing.statuslist",
            ),
        ),
        migrations.AddIndex(
            model_name="credential",
            index=models.Index(
                condition=models.Q(("recipient_did__isnull", False)),
                fields=["recipient_did"],
                name="credential_recipient_did",
            ),
        ),
        migrations.AddIndex(
            model_name="credential",
            index=models.Index(
                condition=models.Q(("claim_token_hash", ""), _negated=True),
                fields=["claim_token_hash"],
                name="credential_claim_token",
            ),
        ),
    ]
