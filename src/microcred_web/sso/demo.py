"""The demo organisation's single sign-on connection: turned off, pointing at the local test
provider that docs/sso.md shows how to start (tests/counterparts/oidc_idp), with a realistic
group → role mapping. Loading it twice changes nothing."""

from __future__ import annotations

import secrets

from django.db import transaction

from microcred_web.common.sealing import secret_seal
from microcred_web.orgs.models import Organisation, Role
from microcred_web.sso.models import Connection

DEMO_ISSUER = "http://127.0.0.1:8765/o"
DEMO_CLIENT_ID = "microcred-northwind"
DEMO_GROUP_ROLES = [
    ["Northwind-Admins", Role.ADMIN.value],
    ["Northwind-Learning-Team", Role.ISSUER.value],
    ["Northwind-Assessors", Role.ASSESSOR.value],
    ["Northwind-Team-Leads", Role.MANAGER.value],
]


@transaction.atomic
def demo_content_load() -> dict[str, int]:
    organisation = Organisation.objects.filter(slug="northwind").first()
    if organisation is None:
        return {}
    if not Connection.objects.filter(organisation=organisation).exists():
        Connection.objects.create(
            organisation=organisation,
            enabled=False,
            display_name="Northwind Entra ID",
            issuer=DEMO_ISSUER,
            client_id=DEMO_CLIENT_ID,
            client_secret_sealed=secret_seal(
                secrets.token_urlsafe(24),  # a placeholder: enter the provider's when enabling
                aad=f"microcred-sso-client-secret:{organisation.pk}".encode(),
                purpose="sso",
            ),
            scopes="openid email profile",
            groups_claim="groups",
            group_roles=DEMO_GROUP_ROLES,
            default_role=Role.LEARNER,
            email_domains="northwind.example",
            sso_required=False,
        )
    return {"sso connections": Connection.objects.filter(organisation=organisation).count()}
