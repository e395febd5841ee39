"""An organisation as an issuer: its did:web, its OB 3.0 Profile and its DID document.

``did:web:<host>:o:<slug>`` resolves to ``https://<host>/o/<slug>/did.json``; the host (and
port, written ``%3A``) comes from ``settings.BASE_URL``.
"""

from __future__ import annotations

from typing import Any
from urllib.parse import urlsplit

from django.conf import settings
from django.urls import reverse

from microcred.did import did_web_document
from microcred.keys import PublicKey
from microcred.model import Address, Image, LangText, Profile
from microcred_web.issuing.models import IssuerKey, IssuerProfile
from microcred_web.orgs.models import Organisation


def absolute_url(path: str) -> str:
    """``path`` on this site, as the world sees it (``settings.BASE_URL``)."""
    return str(settings.BASE_URL).rstrip("/") + path


def host_did() -> str:
    """The did:web of the site itself (served at ``/.well-known/did.json``)."""
    parts = urlsplit(str(settings.BASE_URL))
    host = (parts.hostname or "localhost").lower()
    if parts.port:
        host += f"%3A{parts.port}"
    return f"did:web:{host}"


def issuer_did(organisation: Organisation) -> str:
    return f"{host_did()}:o:{organisation.slug}"


def profile_url(organisation: Organisation) -> str:
    return absolute_url(reverse("issuing:issuer_profile", kwargs={"slug": organisation.slug}))


def issuer_profile(organisation: Organisation) -> Profile:
    """The OB 3.0 Profile embedded as ``issuer`` in every credential of the organisation."""
    profile = IssuerProfile.objects.filter(organisation=organisation).first()
    name = (profile.name if profile else "") or organisation.name
    image = None
    if organisation.logo:
        logo = reverse("issuing:issuer_logo", kwargs={"slug": organisation.slug})
        image = Image(id=absolute_url(logo))
    return Profile(
        id=issuer_did(organisation),
        name=LangText(name),
        url=(profile.url if profile and profile.url else None) or profile_url(organisation),
        email=(profile.email or None) if profile else None,
        description=LangText(profile.description) if profile and profile.description else None,
        image=image,
        address=(
            Address(address_country_code=organisation.country) if organisation.country else None
        ),
    )


def issuer_profile_dict(organisation: Organisation) -> dict[str, Any]:
    """The Profile as embedded in credentials (computed once per issued batch)."""
    body: dict[str, Any] = issuer_profile(organisation).to_json()
    return body


def issuer_profile_json(organisation: Organisation) -> dict[str, Any]:
    """The Profile as a stand-alone JSON-LD document (served at ``/o/<slug>/issuer``)."""
    body = issuer_profile_dict(organisation)
    return {
        "@context": [
            "https://www.w3.org/ns/credentials/v2",
            "https://purl.imsglobal.org/spec/ob/v3p0/context-3.0.3.json",
        ],
        **body,
    }


def did_document(organisation: Organisation) -> dict[str, Any] | None:
    """The organisation's DID document listing every key it has ever signed with.

    Retired keys stay listed so their credentials keep verifying; a compromised key also stays
    (credentials signed before the compromise remain valid) and our verifier rejects its
    signatures made after ``compromised_after``.
    """
    keys = list(IssuerKey.objects.filter(organisation=organisation).order_by("created_at", "id"))
    if not keys:
        return None
    return did_web_document(
        issuer_did(organisation), [PublicKey.from_multibase(k.public_multibase) for k in keys]
    )
