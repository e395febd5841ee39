"""Queue evidence updates when credentials are issued, change status or are claimed, and when
the wallet imports or removes a credential. Receivers only queue; the task does the work."""

from __future__ import annotations

from typing import Any

from django.db import transaction
from django.db.models.signals import post_delete, post_save

from microcred_web.issuing.models import Credential
from microcred_web.issuing.signals import credentials_issued
from microcred_web.wallet.models import ImportedCredential


def on_credentials_issued(
    sender: Any, *, organisation: Any, credential_ids: list[int], **_: Any
) -> None:
    from microcred_web.skills.tasks import skills_credentials_task

    if credential_ids:
        skills_credentials_task.enqueue(
            organisation_id=organisation.pk, credential_ids=list(credential_ids)
        )


def on_credential_saved(sender: Any, *, instance: Credential, created: bool, **_: Any) -> None:
    """A revocation, suspension or claim saves the row (new rows arrive through the signal)."""
    from microcred_web.skills.tasks import skills_credentials_task

    if created:
        return
    organisation_id, ids = instance.organisation_id, [instance.pk]
    transaction.on_commit(
        lambda: skills_credentials_task.enqueue(organisation_id=organisation_id, credential_ids=ids)
    )


def on_import_changed(sender: Any, *, instance: ImportedCredential, **_: Any) -> None:
    from microcred_web.skills.tasks import skills_wallet_task

    user_id = instance.owner_id
    transaction.on_commit(lambda: skills_wallet_task.enqueue(user_id=user_id))


def connect() -> None:
    credentials_issued.connect(on_credentials_issued, dispatch_uid="skills.credentials_issued")
    post_save.connect(on_credential_saved, sender=Credential, dispatch_uid="skills.credential")
    post_save.connect(on_import_changed, sender=ImportedCredential, dispatch_uid="skills.import")
    post_delete.connect(
        on_import_changed, sender=ImportedCredential, dispatch_uid="skills.import_deleted"
    )
