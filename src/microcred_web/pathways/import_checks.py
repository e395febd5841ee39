"""Imports re-checked on a schedule: a recognised credential revoked, suspended or expired at
its issuer after the import stops counting, and the learner's pathways are evaluated again.

The verification itself is the wallet's (``wallet.recheck``, the guarded resolver as at
import); this module chooses what to check first — imports a pathway may recognise — and
re-queues the award evaluation when a label changes. Nothing already issued is revoked
(docs/decisions/0026).
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from django.db.models import Q, QuerySet

from microcred_web.orgs.models import Membership, Organisation
from microcred_web.pathways.models import Recognition
from microcred_web.pathways.recognition import evaluate_holders
from microcred_web.wallet.models import ImportedCredential
from microcred_web.wallet.recheck import imports_recheck_run


def recognised_imports() -> QuerySet[Any]:
    """Ids of the imports a published pathway may recognise: from an issuer some recognition
    names, or held by a member of an organisation recognising by skill."""
    live = Recognition.objects.filter(pathway__published_version__isnull=False)
    by_issuer = live.exclude(issuer_id="").values("issuer_id")
    by_skill_orgs = live.exclude(skill_uri="").values("organisation_id")
    skill_members = Membership.objects.filter(
        organisation_id__in=by_skill_orgs, is_active=True
    ).values("user_id")
    return ImportedCredential.objects.filter(
        Q(issuer_id__in=by_issuer) | Q(owner_id__in=skill_members)
    ).values("pk")


def imports_recheck_job(now: datetime) -> dict[str, int]:
    """The daily job: the due imports, those a pathway may recognise first."""
    return imports_recheck_run(now=now, first=recognised_imports()).as_result()


def on_label_changed(
    sender: Any, imported: ImportedCredential, previous_label: str, **_: Any
) -> None:
    """A re-check changed an import's label: evaluate its owner wherever something is
    recognised (it may now count, or no longer)."""
    organisations = Organisation.objects.filter(
        pk__in=Recognition.objects.values_list("organisation_id", flat=True)
    )
    for organisation in organisations:
        evaluate_holders(organisation=organisation, user_ids=[imported.owner_id])
