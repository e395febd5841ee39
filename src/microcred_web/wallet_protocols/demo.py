"""Demo: the Northwind learner has already taken one credential into a wallet app, so the
"Add to a wallet app" page lists where it went (a did:key wallet, three days ago)."""

from __future__ import annotations

import hashlib
import secrets
from datetime import timedelta

from django.db import transaction
from django.utils import timezone

from microcred.keys import KeyPair, did_key_for
from microcred_web.accounts.models import User
from microcred_web.common.hashing import token_hash
from microcred_web.issuing import selectors as issuing_selectors
from microcred_web.issuing.models import CredentialStatus
from microcred_web.wallet_protocols.models import CredentialOffer

DEMO_LEARNER = "learner@northwind.example"


@transaction.atomic
def demo_content_load() -> dict[str, int]:
    learner = User.objects.filter(email=DEMO_LEARNER).first()
    if learner is None or CredentialOffer.objects.filter(user=learner).exists():
        return {"wallet_app_deliveries": 0}
    now = timezone.now()
    held = issuing_selectors.credentials_of_user(user=learner).order_by("issued_at", "pk")
    credential = next((c for c in held if c.status_at(now) == CredentialStatus.ACTIVE), None)
    if credential is None:
        return {"wallet_app_deliveries": 0}
    # the learner's phone wallet: a fixed key, so the demo shows the same DID every time
    phone = KeyPair.from_ed25519_seed(hashlib.sha256(b"northwind demo phone wallet").digest())
    when = now - timedelta(days=3)
    CredentialOffer.objects.create(
        credential=credential,
        user=learner,
        code_hash=token_hash(secrets.token_urlsafe(32)),
        uri_hash=token_hash(secrets.token_urlsafe(32)),
        created_at=when,
        expires_at=when + timedelta(minutes=10),
        code_used_at=when + timedelta(minutes=1),
        delivered_at=when + timedelta(minutes=1),
        delivered_format="ldp_vc",
        holder_did=did_key_for(phone.public),
    )
    return {"wallet_app_deliveries": 1}
