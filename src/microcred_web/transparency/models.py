"""One append-only transparency log per organisation: its key, entries and signed checkpoints.

``TransparencyLog.size`` is the sequencer: an append raises it with one UPDATE (which takes the
row's write lock on PostgreSQL and the database write lock on SQLite) and writes the entries
at the indexes it reserved, in the same transaction as the credential they record.
"""

from __future__ import annotations

from django.db import models
from django.utils import timezone


class TransparencyLog(models.Model):
    organisation = models.OneToOneField(
        "orgs.Organisation", on_delete=models.CASCADE, related_name="transparency_log"
    )
    origin = models.CharField(max_length=300, unique=True)  # also the key's name
    verifier_key = models.CharField(max_length=400)  # C2SP name+keyid+base64(0x01||key)
    secret_sealed = models.BinaryField()  # the Ed25519 seed, sealed (common/sealing.py)
    size = models.PositiveBigIntegerField(default=0)
    created_at = models.DateTimeField(default=timezone.now)

    def __str__(self) -> str:
        return self.origin


class LogRecord(models.Model):
    """One entry at ``index``: its canonical bytes and leaf hash, never personal data."""

    log = models.ForeignKey(  # (log, index) is unique: that index serves log_id too
        TransparencyLog, on_delete=models.CASCADE, related_name="records", db_index=False
    )
    index = models.PositiveBigIntegerField()
    kind = models.CharField(max_length=40)
    subject = models.CharField(max_length=500)  # the credential (or key) id
    credential = models.UUIDField(null=True, blank=True, db_index=True)  # its public id
    data = models.BinaryField()
    leaf_hash = models.BinaryField()

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["log", "index"], name="transparency_one_entry_per_index"
            )
        ]

    def __str__(self) -> str:
        return f"{self.kind} #{self.index}"


class SignedCheckpoint(models.Model):
    log = models.ForeignKey(TransparencyLog, on_delete=models.CASCADE, related_name="checkpoints")
    size = models.PositiveBigIntegerField()
    root_hash = models.BinaryField()
    note = models.TextField()
    signed_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["log", "size"], name="transparency_one_checkpoint_per_size"
            )
        ]

    def __str__(self) -> str:
        return f"checkpoint {self.size}"
