"""Demo trust lists: the instance's verifier recognises Northwind, and Northwind publishes the
issuers it recognises for prior learning (at /o/northwind/trust/registry.json).
Loading it twice changes nothing (registries are found by name)."""

from __future__ import annotations

import json
from typing import Any
from urllib.parse import urlsplit

from django.conf import settings

from microcred_web.orgs.models import Organisation
from microcred_web.trustlists import selectors, services
from microcred_web.trustlists.models import TrustRegistry

INSTANCE_REGISTRY = "Demo instance: recognised issuers"
NORTHWIND_REGISTRY = "Recognised for prior learning"


def issuer_did(organisation: Organisation) -> str:
    """The organisation's issuer DID, as issuing.identity writes it (that app sits above this
    one; tests/web/verifier/test_trust_lists.py checks the two agree)."""
    parts = urlsplit(str(settings.BASE_URL))
    host = (parts.hostname or "localhost").lower() + (f"%3A{parts.port}" if parts.port else "")
    return f"did:web:{host}:o:{organisation.slug}"


def _ensure(
    organisation: Organisation | None, name: str, document: dict[str, Any], published: bool
) -> None:
    if TrustRegistry.objects.filter(organisation=organisation, name=name).exists():
        return
    services.registry_add(
        organisation=organisation,
        name=name,
        source_format="microcred",
        text=json.dumps(document),
        published=published,
    )


def demo_content_load() -> dict[str, int]:
    northwind = Organisation.objects.filter(slug="northwind").first()
    if northwind is None:
        return {}
    instance_list = {
        "type": "IssuerRegistry",
        "name": INSTANCE_REGISTRY,
        "issuers": [{"id": issuer_did(northwind), "name": northwind.name}],
    }
    _ensure(None, INSTANCE_REGISTRY, instance_list, published=False)
    contoso = Organisation.objects.filter(slug="contoso").first()
    recognised = [
        {
            "id": "did:web:academy.logistics-council.example",
            "name": "Logistics Skills Council Academy",
            "url": "https://academy.logistics-council.example",
        },
        {"id": "did:web:forklift-college.example", "name": "Midlands Forklift College"},
    ]
    if contoso is not None:
        recognised.insert(0, {"id": issuer_did(contoso), "name": contoso.name})
    prior_learning = {"type": "IssuerRegistry", "name": NORTHWIND_REGISTRY, "issuers": recognised}
    _ensure(northwind, NORTHWIND_REGISTRY, prior_learning, published=True)
    selectors.registries_forget()
    return {"trusted issuer registries": TrustRegistry.objects.count()}
