"""The demo's second factors.

The demo organisations (Northwind, Contoso) relax the second-factor requirement, so every
documented demo account keeps signing in with the demo password alone. One extra Northwind
issuer, ``mfa.demo@northwind.example``, has an authenticator set up with a public, documented
secret (docs/mfa.md) to show the second step. Loading it twice changes nothing.
"""

from __future__ import annotations

from django.contrib.auth import get_user_model
from django.db import transaction
from django.utils import timezone

from microcred_web.common.sealing import secret_seal
from microcred_web.mfa.models import OrganisationMfaPolicy, TotpDevice
from microcred_web.orgs import services as org_services
from microcred_web.orgs.demo import demo_password
from microcred_web.orgs.models import Membership, Organisation, Role

DEMO_ORGANISATIONS = ("northwind", "contoso")
DEMO_MFA_EMAIL = "mfa.demo@northwind.example"
DEMO_MFA_NAME = "Kwame Mensah"
# A demo: the secret is public (docs/mfa.md); add it to an authenticator app by hand.
DEMO_TOTP_SECRET = "NORTHWINDDEMOMFATWOFACTORSECRET2"  # noqa: S105


@transaction.atomic
def demo_content_load() -> dict[str, int]:
    northwind = Organisation.objects.filter(slug="northwind").first()
    if northwind is None:
        return {}
    for organisation in Organisation.objects.filter(slug__in=DEMO_ORGANISATIONS):
        OrganisationMfaPolicy.objects.update_or_create(
            organisation=organisation, defaults={"required": False}
        )
    user_model = get_user_model()
    user = user_model.objects.filter(email=DEMO_MFA_EMAIL).first()
    if user is None:
        user = user_model.objects.create_user(
            DEMO_MFA_EMAIL, demo_password(), display_name=DEMO_MFA_NAME
        )
    if not Membership.objects.filter(organisation=northwind, user=user).exists():
        org_services.membership_add(organisation=northwind, user=user, roles=(Role.ISSUER,))
    if not TotpDevice.objects.filter(user=user).exists():
        TotpDevice.objects.create(
            user=user,
            secret_sealed=secret_seal(
                DEMO_TOTP_SECRET, aad=f"mfa-totp:{user.pk}".encode(), purpose="mfa"
            ),
            confirmed_at=timezone.now(),
        )
    return {"second factors": TotpDevice.objects.filter(confirmed_at__isnull=False).count()}
