"""Writes: add, publish and remove an issuer registry."""

from __future__ import annotations

from django.conf import settings
from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _

from microcred.errors import InvalidInput
from microcred.trust.registry import FORMATS, registry_from_text
from microcred_web.common.errors import ApplicationError
from microcred_web.common.safe_fetch import UnsafeFetch, safe_fetch
from microcred_web.orgs.models import Organisation
from microcred_web.trustlists import selectors
from microcred_web.trustlists.models import TrustRegistry

MAX_REGISTRY_BYTES = 2 * 1024 * 1024


def registry_add(
    *,
    organisation: Organisation | None,
    name: str,
    source_format: str,
    text: str | bytes,
    source_url: str = "",
    published: bool = False,
) -> TrustRegistry:
    """Validate and store a registry (``organisation`` None: the instance's own)."""
    if source_format not in FORMATS:
        raise ApplicationError(
            "registry_format", _("Choose the registry's format."), "source_format"
        )
    if len(text) > MAX_REGISTRY_BYTES:
        raise ApplicationError(
            "registry_too_large", _("The registry is larger than 2 MB."), "document"
        )
    try:
        registry = registry_from_text(text, format=source_format, name=name.strip())
    except InvalidInput as exc:
        first = exc.problems[0] if exc.problems else None
        field = "name" if first is not None and first.path == "name" else "document"
        raise ApplicationError(
            "registry_invalid",
            _("The registry is not valid: %(why)s") % {"why": exc},
            field,
        ) from exc
    selectors.registries_forget()
    try:
        with transaction.atomic():
            return TrustRegistry.objects.create(
                organisation=organisation,
                name=registry.name[:200],
                source_format=source_format,
                document=registry.to_json(),
                source_url=source_url,
                published=published,
            )
    except IntegrityError as exc:
        raise ApplicationError(
            "registry_exists", _("A registry with this name already exists."), "name"
        ) from exc


def registry_fetch(url: str) -> bytes:
    """The registry at ``url``, an address an administrator entered, through the guarded
    fetcher (public https only, size and time bounded). ``MICROCRED_TRUST_FETCH_ALLOW_PRIVATE``
    and ``MICROCRED_TRUST_FETCH_ALLOW_HTTP`` are operator settings (on-premises, tests)."""
    if not url.startswith(("https://", "http://")):
        raise ApplicationError(
            "registry_url", _("Give the registry's https address."), "source_url"
        )
    try:
        document = safe_fetch(
            url,
            max_bytes=MAX_REGISTRY_BYTES,
            content_types=("application/json", "text/plain"),
            allow_private=bool(getattr(settings, "MICROCRED_TRUST_FETCH_ALLOW_PRIVATE", False)),
            allow_http=bool(getattr(settings, "MICROCRED_TRUST_FETCH_ALLOW_HTTP", False)),
        )
    except UnsafeFetch as exc:
        raise ApplicationError(
            "registry_unreachable",
            _("The registry could not be fetched: %(why)s") % {"why": exc.message},
            "source_url",
        ) from exc
    return document.body


def registry_publish(*, row: TrustRegistry, published: bool) -> TrustRegistry:
    row.published = published
    row.save(update_fields=["published"])
    selectors.registries_forget()
    return row


def registry_delete(*, row: TrustRegistry) -> None:
    row.delete()
    selectors.registries_forget()
