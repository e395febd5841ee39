"""Organisation API clients (OAuth 2.0 client-credentials grant, RFC 6749 §4.4): an admin
registers one on the organisation's API page; its tokens reach that organisation only, and
only what its scopes allow. API keys keep working next to them."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from oauth2_provider.models import AccessToken, Application

from microcred_web.common.errors import ApplicationError
from microcred_web.common.services import audit_record
from microcred_web.oauth import token_cache
from microcred_web.oauth.models import OrganisationClient
from microcred_web.oauth.scopes import ORG_SCOPE_WORDS


@dataclass(frozen=True)
class OrgCaller:
    """Who called the organisation API with an OAuth token: the organisation and the scopes."""

    organisation: Any
    scopes: frozenset[str]
    client_id: str

    @property
    def prefix(self) -> str:  # what the API records as the source, like an API key's prefix
        return f"oauth:{self.client_id[:12]}"


def org_client_create(
    *, organisation: Any, actor: Any, name: str, scopes: list[str]
) -> tuple[OrganisationClient, str]:
    """Register a confidential client; returns it and its secret (shown once, stored hashed)."""
    chosen = [s for s in dict.fromkeys(scopes) if s in ORG_SCOPE_WORDS]
    if not chosen or len(chosen) != len(set(scopes)):
        raise ApplicationError("invalid_scope", _("Choose one or more scopes."), "scopes")
    if not name.strip() or len(name) > 100:
        raise ApplicationError("invalid", _("Give the client a name."), "name")
    application = Application(
        name=name.strip(),
        client_type=Application.CLIENT_CONFIDENTIAL,
        authorization_grant_type=Application.GRANT_CLIENT_CREDENTIALS,
        redirect_uris="",
    )
    secret = str(application.client_secret)
    with transaction.atomic():
        application.save()
        client = OrganisationClient.objects.create(
            application=application,
            organisation=organisation,
            scope=" ".join(chosen),
            created_by=actor,
        )
        audit_record(
            action="oauth.org_client_registered",
            actor=actor,
            organisation=organisation,
            target=client,
            data={"client_id": application.client_id, "scope": client.scope},
        )
    return client, secret


def org_clients_of(*, organisation: Any) -> list[OrganisationClient]:
    return list(
        OrganisationClient.objects.filter(organisation=organisation)
        .select_related("application")
        .order_by("-created_at")
    )


@transaction.atomic
def org_client_delete(*, organisation: Any, actor: Any, client_pk: int) -> None:
    """Remove the client and every token it holds (404 for another organisation's)."""
    client = OrganisationClient.objects.filter(organisation=organisation, pk=client_pk).first()
    if client is None:
        raise ApplicationError("not_found", _("No such client."), status=404)
    audit_record(
        action="oauth.org_client_deleted",
        actor=actor,
        organisation=organisation,
        target=client,
        data={"client_id": client.application.client_id},
    )
    for token in AccessToken.objects.filter(application=client.application):
        token.delete()  # one by one: each deletion drops the process's cached copy
    client.application.delete()


def org_caller_for(raw_token: str) -> OrgCaller | None:
    """The organisation client behind a bearer token, if it is a live client-credentials token
    (cached per process for at most 1 s, like every bearer token: token_cache.py)."""
    token = token_cache.token_cached(raw_token)
    if token is None:
        token = (
            AccessToken.objects.select_related("application__organisation_client__organisation")
            .filter(token_checksum=token_cache.checksum(raw_token))
            .first()
        )
        if token is None or token.expires <= timezone.now():
            return None
        token_cache.token_remember(raw_token, token)
    client = getattr(token.application, "organisation_client", None) if token.application else None
    if client is None:
        return None
    return OrgCaller(
        organisation=client.organisation,
        scopes=frozenset(token.scope.split()) & frozenset(client.scope.split()),
        client_id=token.application.client_id,
    )
