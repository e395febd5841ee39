"""Writes of the OB 3.0 client: connecting a host (discovery, registration, authorization code
+ PKCE, code exchange), sending credentials to it (upsertCredential), taking its credentials
into the wallet (getCredentials, each through the wallet's import path) and disconnecting
(RFC 7009 revocation at the host). Tokens are refreshed (and rotated) when they expire."""

from __future__ import annotations

import json
import secrets
from dataclasses import dataclass, field
from datetime import timedelta
from typing import Any, NoReturn
from urllib.parse import urlencode

from django.conf import settings
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from microcred.errors import Error as CoreError
from microcred.verify import decode_input
from microcred_web.common.errors import ApplicationError
from microcred_web.common.hashing import token_hash
from microcred_web.common.services import audit_record
from microcred_web.issuing.identity import host_did
from microcred_web.ob3client import authorization as oauth
from microcred_web.ob3client import sealed
from microcred_web.ob3client.discovery import host_discover
from microcred_web.ob3client.models import ConnectedHost, Direction, HostActivity, HostState
from microcred_web.ob3client.transport import HostAnswer, HostError, failure_words, host_request
from microcred_web.wallet import selectors as wallet_selectors
from microcred_web.wallet import services as wallet_services

PENDING_LIFETIME = timedelta(minutes=15)  # an unanswered authorization request is dropped
REFRESH_MARGIN = timedelta(seconds=30)
PULL_PAGE = 50
PULL_MAX = 1000  # credentials taken from one host in one go


def _log(host: ConnectedHost, direction: str, name: str, ok: bool, message: str) -> None:
    HostActivity.objects.create(
        host=host,
        direction=direction,
        credential_name=name[:300],
        succeeded=ok,
        message=message[:500],
    )


# --------------------------------------------------------------------------- connecting


def host_connect_start(*, user: Any, base_url: str) -> str:
    """Discover and register at the host; returns the URL to send the person's browser to."""
    endpoints = host_discover(base_url)
    host = ConnectedHost.objects.filter(owner_id=user.pk, api_base=endpoints.api_base).first()
    if host is not None and host.state == HostState.CONNECTED:
        raise ApplicationError(
            "already_connected",
            _("Your wallet is already connected to %(name)s.") % {"name": host.name},
            "base_url",
        )
    registration = oauth.client_register(endpoints)
    state, (verifier, challenge) = secrets.token_urlsafe(32), oauth.pkce_pair()
    with transaction.atomic():
        host = host or ConnectedHost(owner=user, api_base=endpoints.api_base)
        host.name = endpoints.name
        host.base_url = base_url.strip()[:500]
        host.authorization_url = endpoints.authorization_url
        host.token_url = endpoints.token_url
        host.registration_url = endpoints.registration_url
        host.revocation_url = endpoints.revocation_url
        host.client_id = registration.client_id
        host.scope = registration.scope
        host.state = HostState.PENDING
        host.oauth_state_hash = token_hash(state)
        host.save()
        host.client_secret_sealed = sealed.seal(host, "client_secret", registration.client_secret)
        host.pkce_verifier_sealed = sealed.seal(host, "pkce_verifier", verifier)
        host.save(update_fields=["client_secret_sealed", "pkce_verifier_sealed"])
        audit_record(
            action="ob3client.connect_started",
            actor=user,
            target=host,
            data={"host": host.api_base, "client_id": host.client_id},
        )
    return oauth.authorization_request_url(
        authorization_url=host.authorization_url,
        client_id=host.client_id,
        scope=host.scope,
        state=state,
        challenge=challenge,
    )


def _pending_host(user: Any, state: str) -> ConnectedHost:
    host = ConnectedHost.objects.filter(
        owner_id=user.pk, state=HostState.PENDING, oauth_state_hash=token_hash(state or "-")
    ).first()
    if host is None or host.updated_at < timezone.now() - PENDING_LIFETIME:
        raise ApplicationError(
            "unknown_request",
            _("This connection request is unknown or has expired: start again."),
            status=400,
        )
    return host


def host_connect_finish(
    *, user: Any, state: str, code: str, error: str = "", error_description: str = ""
) -> ConnectedHost:
    """The host sent the person back: exchange the code for tokens (or record the refusal)."""
    host = _pending_host(user, state)
    verifier = sealed.unseal(host, "pkce_verifier", host.pkce_verifier_sealed)
    host.oauth_state_hash = ""
    host.pkce_verifier_sealed = b""
    if error or not code:
        words = (
            _("You did not allow the connection.")
            if error == "access_denied"
            else _("The host refused the connection: %(said)s")
            % {"said": (error_description or error or _("no code was given"))[:300]}
        )
        host.last_error = words[:500]
        host.save()
        raise ApplicationError("host_refused", words)
    tokens = oauth.code_exchange(
        token_url=host.token_url,
        client_id=host.client_id,
        client_secret=sealed.unseal(host, "client_secret", host.client_secret_sealed),
        code=code,
        verifier=verifier,
        scope=host.scope,
    )
    with transaction.atomic():
        _store_tokens(host, tokens)
        host.state = HostState.CONNECTED
        host.last_error = ""
        host.save()
        _log(host, Direction.CONNECT, "", True, _("Connected to %(name)s.") % {"name": host.name})
        audit_record(
            action="ob3client.connected", actor=user, target=host, data={"host": host.api_base}
        )
    return host


def _store_tokens(host: ConnectedHost, tokens: oauth.Tokens) -> None:
    host.access_token_sealed = sealed.seal(host, "access_token", tokens.access_token)
    if tokens.refresh_token:  # rotated: the host gave a new one, the old one is spent
        host.refresh_token_sealed = sealed.seal(host, "refresh_token", tokens.refresh_token)
    host.access_expires_at = tokens.expires_at
    host.scope = tokens.scope


# --------------------------------------------------------------------------- tokens


def _refresh(host: ConnectedHost) -> str:
    if not host.refresh_token_sealed:
        _expire(host, _("The host's permission has expired: connect again."))
    try:
        tokens = oauth.token_refresh(
            token_url=host.token_url,
            client_id=host.client_id,
            client_secret=sealed.unseal(host, "client_secret", host.client_secret_sealed),
            refresh_token=sealed.unseal(host, "refresh_token", host.refresh_token_sealed),
            scope=host.scope,
        )
    except oauth.RefreshRefused as exc:
        _expire(host, exc.message)
    _store_tokens(host, tokens)
    host.save()
    return tokens.access_token


def _expire(host: ConnectedHost, message: str) -> NoReturn:
    host.state = HostState.EXPIRED
    host.last_error = message[:500]
    host.access_token_sealed = host.refresh_token_sealed = b""
    host.save()
    raise HostError(message)


def _access_token(host: ConnectedHost) -> str:
    if host.state != HostState.CONNECTED:
        raise HostError(_("Your wallet is not connected to %(name)s.") % {"name": host.name})
    expires = host.access_expires_at
    if expires is None or expires <= timezone.now() + REFRESH_MARGIN:
        return _refresh(host)
    return sealed.unseal(host, "access_token", host.access_token_sealed)


def _api_call(
    host: ConnectedHost, method: str, url: str, *, body: bytes | None = None, content_type: str = ""
) -> HostAnswer:
    """An API request with the host's access token; on 401 the token is refreshed once."""
    answer: HostAnswer | None = None
    for attempt in range(2):
        token = _access_token(host) if attempt == 0 else _refresh(host)
        headers = {"Authorization": f"Bearer {token}"}
        if content_type:
            headers["Content-Type"] = content_type
        answer = host_request(method, url, headers=headers, body=body)
        if answer.status != 401:
            return answer
    assert answer is not None
    return answer


# --------------------------------------------------------------------------- sending


@dataclass(frozen=True)
class Outcome:
    name: str
    ok: bool
    message: str


def credentials_push(
    *, user: Any, host: ConnectedHost, picks: list[tuple[str, str]]
) -> list[Outcome]:
    """Send the chosen credentials (``(origin, public_id)`` pairs of the wallet) to the host."""
    names = {(i.origin, i.public_id): i.name for i in wallet_selectors.shareable_items(user=user)}
    outcomes: list[Outcome] = []
    for origin, public_id in picks:
        held = wallet_selectors.held_credential_of(user=user, origin=origin, public_id=public_id)
        name = names.get((origin, public_id), "")
        if held is None or not name:
            outcomes.append(Outcome(public_id, False, _("This credential is not in your wallet.")))
            continue
        answer = _api_call(
            host,
            "POST",
            host.api_base + "/credentials",
            body=held.text.strip().encode(),
            content_type="text/plain" if held.is_jws else "application/json",
        )
        if answer.status == 201:
            outcome = Outcome(name, True, _("Added to %(host)s.") % {"host": host.name})
        elif answer.status == 200:
            outcome = Outcome(name, True, _("Updated at %(host)s.") % {"host": host.name})
        else:
            outcome = Outcome(name, False, failure_words(answer))
        _log(host, Direction.PUSH, outcome.name, outcome.ok, outcome.message)
        outcomes.append(outcome)
    audit_record(
        action="ob3client.credentials_sent",
        actor=user,
        target=host,
        data={"sent": sum(o.ok for o in outcomes), "failed": sum(not o.ok for o in outcomes)},
    )
    return outcomes


# --------------------------------------------------------------------------- receiving


@dataclass
class PullSummary:
    added: int = 0
    updated: int = 0
    skipped: int = 0
    problems: list[str] = field(default_factory=list)


def _page(host: ConnectedHost, offset: int) -> tuple[list[bytes], int | None]:
    query = urlencode({"limit": PULL_PAGE, "offset": offset})
    answer = _api_call(host, "GET", f"{host.api_base}/credentials?{query}")
    if not answer.ok:
        raise HostError(failure_words(answer))
    body = answer.json()
    if not isinstance(body, dict):
        raise HostError(_("The host's list of credentials is not a JSON object."))
    items = [json.dumps(c).encode() for c in body.get("credential") or [] if isinstance(c, dict)]
    items += [j.encode() for j in body.get("compactJwsString") or [] if isinstance(j, str)]
    total = answer.headers.get("x-total-count", "")
    return items, int(total) if total.strip().isdigit() else None


def _issued_here(data: bytes) -> bool:
    """A credential this instance issued (already in the wallet as issued, not imported)."""
    try:
        document = decode_input(data).document
    except (CoreError, ValueError, UnicodeError):
        return False
    issuer = document.get("issuer")
    issuer_id = issuer.get("id") if isinstance(issuer, dict) else issuer
    ours = (str(settings.BASE_URL).rstrip("/") + "/", host_did() + ":")
    return isinstance(issuer_id, str) and issuer_id.startswith(ours)


def credentials_pull(*, user: Any, host: ConnectedHost) -> PullSummary:
    """Take the host's credentials into the wallet, each verified and labelled as an upload."""
    summary, offset = PullSummary(), 0
    while offset < PULL_MAX:
        items, total = _page(host, offset)
        for data in items:
            if _issued_here(data):
                summary.skipped += 1
                continue
            try:
                imported, created = wallet_services.credential_upsert(
                    user=user, data=data, require_valid=False
                )
            except ApplicationError as exc:
                summary.problems.append(exc.message)
                _log(host, Direction.PULL, "", False, exc.message)
                continue
            summary.added += created
            summary.updated += not created
            _log(host, Direction.PULL, imported.name, True, imported.get_label_display())
        offset += len(items)
        if not items or (total is not None and offset >= total) or len(items) < PULL_PAGE:
            break
    audit_record(
        action="ob3client.credentials_received",
        actor=user,
        target=host,
        data={"added": summary.added, "updated": summary.updated},
    )
    return summary


# --------------------------------------------------------------------------- disconnecting


def host_disconnect(*, user: Any, host: ConnectedHost) -> bool:
    """Revoke the tokens at the host (RFC 7009) and forget the host; True if it confirmed."""
    revoked = False
    if host.revocation_url and host.client_id:
        secret = sealed.unseal(host, "client_secret", host.client_secret_sealed)
        for kind, hint in (("refresh_token", "refresh_token"), ("access_token", "access_token")):
            stored = getattr(host, f"{kind}_sealed")
            if not stored:
                continue
            try:
                revoked = (
                    oauth.token_revoke(
                        revocation_url=host.revocation_url,
                        client_id=host.client_id,
                        client_secret=secret,
                        token=sealed.unseal(host, kind, stored),
                        hint=hint,
                    )
                    or revoked
                )
            except HostError:
                continue
    with transaction.atomic():
        audit_record(
            action="ob3client.disconnected",
            actor=user,
            target=host,
            data={"host": host.api_base, "revoked_at_host": revoked},
        )
        host.delete()
    return revoked
