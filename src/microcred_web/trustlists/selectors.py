"""Reads: which issuer registries apply to a verification, and what an organisation publishes."""

from __future__ import annotations

import json
import threading
import time
from pathlib import Path
from typing import Any

from django.conf import settings
from django.db.models import Q, QuerySet

from microcred.trust.registry import Registry, registry_from_text
from microcred_web.orgs.models import Organisation
from microcred_web.trustlists.models import TrustRegistry


def configured_file_registries() -> list[Registry]:
    """``MICROCRED_TRUST_REGISTRIES``: ``[{"name", "format", "path"}]`` files the operator
    configured (read on each call: they are small and may be replaced while running)."""
    registries = []
    for item in getattr(settings, "MICROCRED_TRUST_REGISTRIES", ()):
        text = Path(item["path"]).read_bytes()
        registries.append(
            registry_from_text(
                text, format=item.get("format", "microcred"), name=item.get("name", "")
            )
        )
    return registries


def registry_rows(*, organisation: Organisation | None) -> QuerySet[TrustRegistry]:
    """The organisation's own registries (or the instance's when ``organisation`` is None)."""
    return TrustRegistry.objects.filter(organisation=organisation)


#: organisation id (or None) → (expiry, registries): verifications read them on every request
_remembered: dict[int | None, tuple[float, list[Registry]]] = {}
_lock = threading.Lock()
REMEMBER_SECONDS = 5.0


def registries_forget() -> None:
    """Drop the remembered registries (after a write in this process; tests)."""
    with _lock:
        _remembered.clear()


def registries_for(*, organisation_id: int | None) -> list[Registry]:
    """The registries a verification uses, most authoritative first: those of the verifying
    member's organisation (if any: its own choice), the operator's files, then the instance's.
    Remembered for a few seconds (a change made in this process shows at once)."""
    now = time.monotonic()
    with _lock:
        hit = _remembered.get(organisation_id)
    if hit is not None and hit[0] > now:
        return hit[1]
    registries = _registries_read(organisation_id)
    with _lock:
        if len(_remembered) > 1024:
            _remembered.clear()
        _remembered[organisation_id] = (now + REMEMBER_SECONDS, registries)
    return registries


def _registries_read(organisation_id: int | None) -> list[Registry]:
    scope = Q(organisation__isnull=True)
    if organisation_id is not None:
        scope |= Q(organisation_id=organisation_id)
    rows = TrustRegistry.objects.filter(scope).order_by("organisation_id", "pk")
    instance = [row for row in rows if row.organisation_id is None]
    own = [row for row in rows if row.organisation_id is not None]
    return [
        *(row.registry() for row in own),
        *configured_file_registries(),
        *(row.registry() for row in instance),
    ]


def published_registry(*, organisation: Organisation) -> dict[str, Any] | None:
    """The registry the organisation publishes: every issuer of its published registries,
    under its own name, in the microcred format (None when it publishes none)."""
    rows = list(TrustRegistry.objects.filter(organisation=organisation, published=True))
    if not rows:
        return None
    issuers: list[dict[str, Any]] = []
    seen: set[str] = set()
    for row in rows:
        for item in row.document.get("issuers", []):
            if item["id"] not in seen:
                seen.add(item["id"])
                issuers.append(item)
    return {
        "type": "IssuerRegistry",
        "name": f"{organisation.name} recognised issuers",
        "publisher": organisation.name,
        "issuers": issuers,
    }


def published_json(*, organisation: Organisation) -> str | None:
    document = published_registry(organisation=organisation)
    return None if document is None else json.dumps(document, ensure_ascii=False, indent=2)
