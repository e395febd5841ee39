"""Demo: an OB 3.0 client the demo learner has allowed, so "Connected apps" shows one, and an
organisation API client Northwind's admin registered (client-credentials grant)."""

from __future__ import annotations

import secrets
from datetime import timedelta

from django.db import transaction
from django.utils import timezone
from oauth2_provider.models import AccessToken, Application, RefreshToken, set_token_value

from microcred_web.accounts.models import User
from microcred_web.oauth.models import ClientRegistration
from microcred_web.oauth.scopes import CREDENTIAL_READ, PROFILE_READ

DEMO_SOFTWARE_ID = "microcred-demo-career-passport"
DEMO_LEARNER = "learner@northwind.example"


DEMO_ORG_CLIENT = "HR system sync (demo)"


def _org_client_load() -> int:
    from microcred_web.oauth.models import OrganisationClient
    from microcred_web.oauth.org_clients import org_client_create
    from microcred_web.oauth.scopes import ORG_ACHIEVEMENTS_READ, ORG_CREDENTIALS_READ
    from microcred_web.orgs.models import Organisation

    organisation = Organisation.objects.filter(slug="northwind").first()
    if organisation is None:
        return 0
    existing = OrganisationClient.objects.filter(
        organisation=organisation, application__name=DEMO_ORG_CLIENT
    )
    if not existing.exists():
        org_client_create(
            organisation=organisation,
            actor=None,
            name=DEMO_ORG_CLIENT,
            scopes=[ORG_ACHIEVEMENTS_READ, ORG_CREDENTIALS_READ],
        )
    return OrganisationClient.objects.filter(organisation=organisation).count()


@transaction.atomic
def demo_content_load() -> dict[str, int]:
    counts = {"organisation API clients": _org_client_load()}
    return {**counts, **_connected_app_load()}


def _connected_app_load() -> dict[str, int]:
    learner = User.objects.filter(email=DEMO_LEARNER).first()
    if learner is None or ClientRegistration.objects.filter(software_id=DEMO_SOFTWARE_ID).exists():
        return {"oauth_clients": 0}
    scope = f"{CREDENTIAL_READ} {PROFILE_READ}"
    application = Application.objects.create(
        name="Career Passport (demo)",
        redirect_uris="https://passport.example/callback",
        client_type=Application.CLIENT_CONFIDENTIAL,
        authorization_grant_type=Application.GRANT_AUTHORIZATION_CODE,
        registration_source=Application.RegistrationSource.DCR,
    )
    ClientRegistration.objects.create(
        application=application,
        client_uri="https://passport.example/",
        software_id=DEMO_SOFTWARE_ID,
        software_version="1.0",
        scope=scope,
    )
    access = AccessToken(
        user=learner,
        application=application,
        scope=scope,
        expires=timezone.now() + timedelta(hours=1),
    )
    set_token_value(access, secrets.token_urlsafe(32))
    access.save()
    refresh = RefreshToken(user=learner, application=application, access_token=access)
    set_token_value(refresh, secrets.token_urlsafe(32))
    refresh.save()
    return {"oauth_clients": 1}
