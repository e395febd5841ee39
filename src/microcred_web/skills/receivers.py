"""Queue evidence updates when credentials are issued, change status or are claimed, when
the wallet imports or removes a credential, and when an assessment is accepted or a quiz
attempt recorded. Receivers only queue; the task does the work."""

from __future__ import annotations

from typing import Any

from django.db import transaction
from django.db.models.signals import post_delete, post_save

from microcred_web.assessments.signals import assessment_recorded
from microcred_web.issuing.models import Credential
from microcred_web.issuing.signals import credentials_issued
from microcred_web.learning.signals import learning_recorded
from microcred_web.wallet.models import ImportedCredential


def on_credentials_issued(
    sender: Any, *, organisation: Any, credential_ids: list[int], **_: Any
) -> None:
    from microcred_web.skills.tasks import skills_credentials_task

    if credential_ids:
        skills_credentials_task.enqueue(
            organisation_id=organisation.pk, credential_ids=list(credential_ids)
        )


class _Batch:
    """Credential ids saved in one transaction: one task per organisation after commit."""

    def __init__(self) -> None:
        self.ids: dict[int, set[int]] = {}
        self.done = False

    def __call__(self) -> None:
        from microcred_web.skills.tasks import skills_credentials_task

        self.done = True
        for organisation_id, ids in self.ids.items():
            skills_credentials_task.enqueue(
                organisation_id=organisation_id, credential_ids=sorted(ids)
            )


def _batch() -> _Batch:
    """The open transaction's batch, registered once with ``on_commit`` (a bulk revocation of
    10,000 credentials queues one task, not 10,000). A batch whose callback is no longer
    pending (committed, or its savepoint rolled back) is replaced by a new one."""
    connection = transaction.get_connection()
    batch = getattr(connection, "_skills_batch", None)
    pending = getattr(connection, "run_on_commit", [])
    if (
        not isinstance(batch, _Batch)
        or batch.done
        or not any(entry[1] is batch for entry in pending)
    ):
        batch = _Batch()
        connection._skills_batch = batch
        transaction.on_commit(batch)
    return batch


def on_credential_saved(sender: Any, *, instance: Credential, created: bool, **_: Any) -> None:
    """A revocation, suspension or claim saves the row (new rows arrive through the signal)."""
    if created:
        return
    connection = transaction.get_connection()
    if not connection.in_atomic_block:
        from microcred_web.skills.tasks import skills_credentials_task

        skills_credentials_task.enqueue(
            organisation_id=instance.organisation_id, credential_ids=[instance.pk]
        )
        return
    _batch().ids.setdefault(instance.organisation_id, set()).add(instance.pk)


def on_import_changed(sender: Any, *, instance: ImportedCredential, **_: Any) -> None:
    from microcred_web.skills.tasks import skills_wallet_task

    user_id = instance.owner_id
    transaction.on_commit(lambda: skills_wallet_task.enqueue(user_id=user_id))


def on_results_recorded(sender: Any, *, organisation: Any, user_ids: list[int], **_: Any) -> None:
    """An assessment accepted or a quiz attempt submitted (both sent after commit)."""
    from microcred_web.skills.tasks import skills_people_task

    if user_ids:
        skills_people_task.enqueue(organisation_id=organisation.pk, user_ids=sorted(user_ids))


def connect() -> None:
    credentials_issued.connect(on_credentials_issued, dispatch_uid="skills.credentials_issued")
    post_save.connect(on_credential_saved, sender=Credential, dispatch_uid="skills.credential")
    post_save.connect(on_import_changed, sender=ImportedCredential, dispatch_uid="skills.import")
    assessment_recorded.connect(on_results_recorded, dispatch_uid="skills.assessment_recorded")
    learning_recorded.connect(on_results_recorded, dispatch_uid="skills.learning_recorded")
    post_delete.connect(
        on_import_changed, sender=ImportedCredential, dispatch_uid="skills.import_deleted"
    )
