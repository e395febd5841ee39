"""Re-sealing every stored secret under the current key-encryption key (``kek_rotate``).

Every sealed column is listed here with the associated data its owning app binds it to. A row
is re-read under a row lock, unsealed with the keyring (current or previous KEK) and sealed
again under the current KEK, one short transaction per row: the site keeps running, and every
value stays readable at every moment by a process that has both keys in its keyring.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import Any

from django.apps import apps
from django.db import transaction

from microcred_web.common import sealing
from microcred_web.common.errors import ApplicationError
from microcred_web.issuing import keystore
from microcred_web.lti.keys import SEALING_PURPOSE as LTI_PURPOSE
from microcred_web.lti.keys import _aad as lti_aad
from microcred_web.ob3client.sealed import PURPOSE as OB3CLIENT_PURPOSE
from microcred_web.ob3client.sealed import _aad as ob3client_aad
from microcred_web.transparency.keys import _aad as transparency_aad
from microcred_web.wallet.clr import _aad as platform_key_aad
from microcred_web.webhooks.secrets import _aad as webhook_aad

ISSUER_KEYSTORE = ""  # purpose of values sealed by issuing/keystore.py (raw key bytes)


@dataclass(frozen=True)
class SealedColumn:
    model: str  # "app_label.ModelName"
    field: str
    aad: Callable[[Any], bytes]
    purpose: str  # common/sealing.py purpose, or ISSUER_KEYSTORE

    @property
    def label(self) -> str:
        return f"{self.model}.{self.field}"


def _ob3client(kind: str) -> SealedColumn:
    return SealedColumn(
        "ob3client.ConnectedHost",
        f"{kind}_sealed",
        lambda host: ob3client_aad(host, kind),
        OB3CLIENT_PURPOSE,
    )


SEALED_COLUMNS: tuple[SealedColumn, ...] = (
    SealedColumn(
        "issuing.IssuerKey",
        "secret_ciphertext",
        lambda key: keystore.associated_data(
            organisation_id=key.organisation_id, key_id=key.key_id
        ),
        ISSUER_KEYSTORE,
    ),
    SealedColumn(
        "wallet.PlatformKey",
        "secret_ciphertext",
        lambda key: platform_key_aad(key.key_id),
        ISSUER_KEYSTORE,
    ),
    SealedColumn("lti.ToolKey", "private_pem_sealed", lambda key: lti_aad(key.kid), LTI_PURPOSE),
    SealedColumn(
        "transparency.TransparencyLog",
        "secret_sealed",
        lambda log: transparency_aad(log.origin),
        "transparency-log",
    ),
    SealedColumn(
        "webhooks.Endpoint",
        "secret_sealed",
        lambda endpoint: webhook_aad(str(endpoint.public_id)),
        "webhook",
    ),
    SealedColumn(
        "webhooks.Endpoint",
        "previous_secret_sealed",
        lambda endpoint: webhook_aad(str(endpoint.public_id)),
        "webhook",
    ),
    SealedColumn(
        "learning.MachineTranslationService",
        "api_key_sealed",
        lambda service: f"microcred-machine-translation-key:{service.organisation_id}".encode(),
        "service",
    ),
    SealedColumn(
        "sso.Connection",
        "client_secret_sealed",
        lambda connection: f"microcred-sso-client-secret:{connection.organisation_id}".encode(),
        "sso",
    ),
    SealedColumn(
        "mfa.TotpDevice",
        "secret_sealed",
        lambda device: f"mfa-totp:{device.user_id}".encode(),
        "mfa",
    ),
    _ob3client("client_secret"),
    _ob3client("pkce_verifier"),
    _ob3client("access_token"),
    _ob3client("refresh_token"),
)


@dataclass
class ColumnReport:
    label: str
    resealed: int = 0
    already_current: int = 0


def _is_current(column: SealedColumn, value: bytes, aad: bytes) -> bool:
    if column.purpose == ISSUER_KEYSTORE:
        return keystore.is_current(value, aad=aad)
    return sealing.secret_is_current(value, aad=aad, purpose=column.purpose)


def _reseal(column: SealedColumn, value: bytes, aad: bytes) -> bytes:
    if column.purpose == ISSUER_KEYSTORE:
        return keystore.seal(keystore.unseal(value, aad=aad), aad=aad)
    plain = sealing.secret_unseal(value, aad=aad, purpose=column.purpose)
    return sealing.secret_seal(plain, aad=aad, purpose=column.purpose)


def _row_ids(column: SealedColumn) -> Iterator[Any]:
    model = apps.get_model(column.model)
    rows = model.objects.exclude(**{f"{column.field}__isnull": True}).order_by("pk")
    yield from rows.values_list("pk", flat=True).iterator(chunk_size=500)


def column_rotate(column: SealedColumn, *, dry_run: bool = False) -> ColumnReport:
    model = apps.get_model(column.model)
    report = ColumnReport(column.label)
    for pk in _row_ids(column):
        with transaction.atomic():
            row = model.objects.select_for_update().filter(pk=pk).first()
            value = bytes(getattr(row, column.field) or b"") if row is not None else b""
            if not value:
                continue
            aad = column.aad(row)
            if _is_current(column, value, aad):
                report.already_current += 1
                continue
            try:
                resealed = _reseal(column, value, aad)
            except ApplicationError as exc:
                raise ApplicationError(
                    "kek_rotate_unreadable",
                    f"{column.label} of row {pk} cannot be unsealed with the current or a "
                    f"previous KEK: {exc.message}",
                ) from exc
            report.resealed += 1
            if not dry_run:
                setattr(row, column.field, resealed)
                row.save(update_fields=[column.field])
    return report


def kek_rotate(*, dry_run: bool = False) -> list[ColumnReport]:
    """Re-seal every sealed secret under the current KEK; ``dry_run`` only counts."""
    return [column_rotate(column, dry_run=dry_run) for column in SEALED_COLUMNS]
