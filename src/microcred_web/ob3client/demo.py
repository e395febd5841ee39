"""Demo: the Northwind learner's wallet is connected to a partner's Open Badges 3.0 host (an
example address, so sending there now explains that it cannot be reached), with a short log of
what was sent and received. Loading it twice changes nothing."""

from __future__ import annotations

import secrets
from datetime import timedelta

from django.db import transaction
from django.utils import timezone

from microcred_web.accounts.models import User
from microcred_web.ob3client import sealed
from microcred_web.ob3client.authorization import WANTED_SCOPES
from microcred_web.ob3client.models import ConnectedHost, Direction, HostActivity, HostState

DEMO_LEARNER = "learner@northwind.example"
DEMO_HOST = "https://badges.contoso-academy.example"
LOG = (
    (Direction.CONNECT, "", True, "Connected to Contoso Academy Badges."),
    (Direction.PUSH, "Forklift Safety Level 1", True, "Added to Contoso Academy Badges."),
    (Direction.PULL, "Customer Care Essentials", True, "Valid"),
)


@transaction.atomic
def demo_content_load() -> dict[str, int]:
    learner = User.objects.filter(email=DEMO_LEARNER).first()
    if learner is None:
        return {}
    api_base = DEMO_HOST + "/ims/ob/v3p0"
    if ConnectedHost.objects.filter(owner=learner, api_base=api_base).exists():
        return {"connected hosts": ConnectedHost.objects.count()}
    host = ConnectedHost.objects.create(
        owner=learner,
        name="Contoso Academy Badges",
        base_url=DEMO_HOST,
        api_base=api_base,
        authorization_url=DEMO_HOST + "/oauth/authorize/",
        token_url=DEMO_HOST + "/oauth/token/",
        registration_url=DEMO_HOST + "/oauth/register/",
        revocation_url=DEMO_HOST + "/oauth/revoke/",
        client_id="demo-" + secrets.token_hex(8),
        scope=" ".join(WANTED_SCOPES),
        state=HostState.CONNECTED,
        access_expires_at=timezone.now() + timedelta(hours=1),
    )
    host.client_secret_sealed = sealed.seal(host, "client_secret", secrets.token_urlsafe(32))
    host.access_token_sealed = sealed.seal(host, "access_token", secrets.token_urlsafe(32))
    host.refresh_token_sealed = sealed.seal(host, "refresh_token", secrets.token_urlsafe(32))
    host.save()
    for direction, name, ok, message in LOG:
        HostActivity.objects.create(
            host=host, direction=direction, credential_name=name, succeeded=ok, message=message
        )
    return {"connected hosts": ConnectedHost.objects.count()}
