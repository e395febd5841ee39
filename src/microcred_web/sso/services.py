"""Writes for single sign-on: the connection settings and a sign-in's two halves."""

from __future__ import annotations

import re
import secrets
import time
from typing import Any

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from microcred.errors import Error as CoreError
from microcred.oidc import IdTokenRejected, id_token_validate
from microcred_web.accounts.models import User
from microcred_web.common.errors import ApplicationError
from microcred_web.common.sealing import secret_seal, secret_unseal
from microcred_web.common.services import audit_record
from microcred_web.orgs.models import Organisation, Role
from microcred_web.sso import oidc_client
from microcred_web.sso.models import Connection
from microcred_web.sso.provisioning import ExternalIdentity, identity_sign_in

_DOMAIN = re.compile(r"^(?=.{1,253}$)([a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?\.)+[a-z]{2,63}$")
_CLAIM = re.compile(r"^[A-Za-z0-9_:./-]{1,80}$")
PENDING_TTL_SECONDS = 600
MAX_PENDING = 5


def _aad(organisation: Organisation) -> bytes:
    return f"microcred-sso-client-secret:{organisation.pk}".encode()


def client_secret_of(connection: Connection) -> str:
    return secret_unseal(
        connection.client_secret_sealed, aad=_aad(connection.organisation), purpose="sso"
    )


def group_roles_parse(text: str) -> list[list[str]]:
    """``group = role`` lines (``#`` comments, blank lines ignored) → ``[[group, role], ...]``."""
    pairs: list[list[str]] = []
    for number, raw in enumerate(text.splitlines(), start=1):
        line = raw.strip()
        if not line or line.startswith("#"):
            continue
        group, sep, role = line.rpartition("=")
        group, role = group.strip(), role.strip().lower()
        if not sep or not group:
            raise ApplicationError(
                "group_roles_syntax",
                _("Line %(line)s: write a group, an equals sign and a role.") % {"line": number},
                "group_roles",
            )
        if role not in Role.values:
            raise ApplicationError(
                "group_roles_role",
                _("Line %(line)s: %(role)s is not a role (use one of: %(roles)s).")
                % {"line": number, "role": role, "roles": ", ".join(Role.values)},
                "group_roles",
            )
        pairs.append([group[:200], role])
    return pairs


def group_roles_text(pairs: list[list[str]]) -> str:
    return "\n".join(f"{group} = {role}" for group, role in pairs)


def _clean(values: dict[str, Any]) -> dict[str, Any]:
    issuer = str(values["issuer"]).strip()
    if not issuer.startswith("https://") and not (
        oidc_client.allow_http() and issuer.startswith("http://")
    ):
        raise ApplicationError(
            "issuer_not_https", _("The issuer URL must start with https://."), "issuer"
        )
    if not str(values["client_id"]).strip():
        raise ApplicationError("client_id_required", _("Enter the client ID."), "client_id")
    scopes = str(values["scopes"]).split()
    if "openid" not in scopes:
        raise ApplicationError("scopes_openid", _("The scopes must include openid."), "scopes")
    if not _CLAIM.match(str(values["groups_claim"]).strip()):
        raise ApplicationError(
            "groups_claim_invalid",
            _("Write the claim's name: letters, digits and _ : . / - only."),
            "groups_claim",
        )
    domains = str(values.get("email_domains", "")).lower().replace(",", " ").split()
    for domain in domains:
        if not _DOMAIN.match(domain):
            raise ApplicationError(
                "email_domain_invalid",
                _("%(domain)s is not a domain name (e.g. northwind.example).") % {"domain": domain},
                "email_domains",
            )
    if values["default_role"] not in Role.values:
        raise ApplicationError("default_role_unknown", _("Choose a role."), "default_role")
    return {
        **values,
        "issuer": issuer,
        "client_id": str(values["client_id"]).strip(),
        "scopes": " ".join(dict.fromkeys(scopes)),
        "groups_claim": str(values["groups_claim"]).strip(),
        "email_domains": " ".join(domains),
    }


def _domains_free(organisation: Organisation, domains: str) -> None:
    for other in Connection.objects.exclude(organisation=organisation).filter(enabled=True):
        taken = set(other.domain_list) & set(domains.split())
        if taken:
            raise ApplicationError(
                "email_domain_taken",
                _("%(domain)s already signs people in to another organisation.")
                % {"domain": sorted(taken)[0]},
                "email_domains",
            )


@transaction.atomic
def connection_save(
    *, organisation: Organisation, actor: User, values: dict[str, Any], ip: str | None = None
) -> Connection:
    """Create or update the organisation's connection. ``values`` as the settings form has
    them (``client_secret`` empty keeps the stored one; ``group_roles`` is text). Fetches the
    provider's discovery document when the connection is enabled or the issuer changed."""
    cleaned = _clean(values)
    group_roles = group_roles_parse(str(cleaned.pop("group_roles", "")))
    secret = str(cleaned.pop("client_secret", "") or "")
    connection = Connection.objects.filter(organisation=organisation).first()
    if connection is None:
        if not secret:
            raise ApplicationError(
                "client_secret_required", _("Enter the client secret."), "client_secret"
            )
        connection = Connection(organisation=organisation)
    issuer_changed = connection.issuer != cleaned["issuer"]
    for name in (
        "enabled",
        "display_name",
        "issuer",
        "client_id",
        "scopes",
        "groups_claim",
        "default_role",
        "email_domains",
        "sso_required",
    ):
        setattr(connection, name, cleaned[name])
    connection.group_roles = group_roles
    if connection.enabled:
        _domains_free(organisation, connection.email_domains)
    if connection.enabled or issuer_changed:
        try:
            connection.metadata = oidc_client.discovery_fetch(connection.issuer)
        except oidc_client.ProviderError as exc:
            raise ApplicationError(
                "issuer_unreachable",
                _("The provider's discovery document could not be used: %(reason)s.")
                % {"reason": exc.message},
                "issuer",
            ) from exc
        connection.metadata_fetched_at = timezone.now()
    if secret:
        connection.client_secret_sealed = secret_seal(secret, aad=_aad(organisation), purpose="sso")
    connection.save()
    audit_record(
        action="sso.connection_saved",
        actor=actor,
        organisation=organisation,
        target=connection,
        data={
            "issuer": connection.issuer,
            "enabled": connection.enabled,
            "sso_required": connection.sso_required,
            "secret_changed": bool(secret),
        },
        ip=ip,
    )
    return connection


def sign_in_start(*, connection: Connection, session: Any, redirect_uri: str, next_url: str) -> str:
    """Remember state, nonce and PKCE verifier in the session; the provider's URL to visit."""
    try:
        metadata = oidc_client.discovery_fetch(connection.issuer)
    except oidc_client.ProviderError as exc:
        raise ApplicationError(
            "sso_provider_unreachable",
            _("Your organisation's identity provider cannot be reached: %(reason)s.")
            % {"reason": exc.message},
            status=502,
        ) from exc
    state, nonce = secrets.token_urlsafe(24), secrets.token_urlsafe(24)
    verifier, challenge = oidc_client.pkce_pair()
    pending = dict(session.get("sso.pending", {}))
    now = time.time()
    pending = {k: v for k, v in pending.items() if now - v["at"] < PENDING_TTL_SECONDS}
    for old in sorted(pending, key=lambda k: pending[k]["at"])[
        : max(0, len(pending) - MAX_PENDING + 1)
    ]:
        pending.pop(old)
    pending[state] = {
        "org": connection.organisation_id,
        "nonce": nonce,
        "verifier": verifier,
        "next": next_url,
        "at": now,
    }
    session["sso.pending"] = pending
    return oidc_client.authorization_url(
        metadata,
        client_id=connection.client_id,
        redirect_uri=redirect_uri,
        scopes=connection.scopes,
        state=state,
        nonce=nonce,
        code_challenge=challenge,
    )


def _pending_take(session: Any, state: str, connection: Connection) -> dict[str, Any]:
    pending = dict(session.get("sso.pending", {}))
    entry = pending.pop(state, None) if state else None
    session["sso.pending"] = pending  # used once, whatever happens next
    if (
        entry is None
        or entry["org"] != connection.organisation_id
        or time.time() - entry["at"] > PENDING_TTL_SECONDS
    ):
        raise ApplicationError(
            "sso_state_mismatch",
            _("This sign-in was not started here, has expired or was already used. Start again."),
        )
    return dict(entry)


def _groups(claims: dict[str, Any], claim: str) -> tuple[str, ...]:
    value = claims.get(claim, [])
    if isinstance(value, str):
        value = [value]
    if not isinstance(value, list):
        return ()
    return tuple(str(v)[:200] for v in value if isinstance(v, str | int))[:200]


def sign_in_finish(
    *,
    connection: Connection,
    session: Any,
    state: str,
    code: str,
    error: str,
    redirect_uri: str,
    ip: str | None = None,
) -> tuple[User, str]:
    """Check the callback, exchange the code, validate the ID token, provision; the user and
    the page to go to next. Every failure is an :class:`ApplicationError` in plain words."""
    entry = _pending_take(session, state, connection)
    if error:
        raise ApplicationError(
            "sso_provider_refused",
            _("The identity provider did not sign you in (%(error)s).") % {"error": error[:100]},
        )
    if not code:
        raise ApplicationError("sso_code_missing", _("The identity provider sent no code."))
    try:
        metadata = oidc_client.discovery_fetch(connection.issuer)
        id_token = oidc_client.token_exchange(
            metadata,
            client_id=connection.client_id,
            client_secret=client_secret_of(connection),
            code=code,
            redirect_uri=redirect_uri,
            code_verifier=entry["verifier"],
        )
        keys = oidc_client.jwks_fetch(metadata)
        accepted = id_token_validate(
            id_token,
            jwks=keys,
            issuer=connection.issuer,
            client_id=connection.client_id,
            nonce=entry["nonce"],
            now=timezone.now(),
        )
    except oidc_client.ProviderError as exc:
        raise ApplicationError(
            "sso_provider_failed",
            _("The identity provider's answer could not be used: %(reason)s.")
            % {"reason": exc.message},
            status=502,
        ) from exc
    except (IdTokenRejected, CoreError) as exc:
        raise ApplicationError(
            "sso_id_token_rejected",
            _("The identity provider's ID token was refused: %(reason)s.") % {"reason": exc},
        ) from exc
    claims = dict(accepted.claims)
    person = ExternalIdentity(
        issuer=accepted.issuer,
        subject=accepted.subject,
        email=str(claims.get("email") or ""),
        email_verified=claims.get("email_verified") is True,
        name=str(claims.get("name") or ""),
        groups=_groups(claims, connection.groups_claim),
    )
    user = identity_sign_in(
        organisation=connection.organisation,
        person=person,
        group_roles=connection.group_roles,
        default_role=connection.default_role,
        ip=ip,
    )
    return user, str(entry.get("next") or "")
