"""The OAuth scopes this server grants, in plain words, and the scopes backend that limits a
client to the scopes it registered (django-oauth-toolkit's ``SCOPES_BACKEND_CLASS``)."""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext_lazy as _

OB_SCOPE_PREFIX = "https://purl.imsglobal.org/spec/ob/v3p0/scope/"
CREDENTIAL_READ = OB_SCOPE_PREFIX + "credential.readonly"
CREDENTIAL_UPSERT = OB_SCOPE_PREFIX + "credential.upsert"
PROFILE_READ = OB_SCOPE_PREFIX + "profile.readonly"
PROFILE_UPDATE = OB_SCOPE_PREFIX + "profile.update"

#: what the consent page tells the person each scope lets the client do
SCOPE_WORDS: dict[str, Any] = {
    CREDENTIAL_READ: _("See all the credentials in your wallet: their names, issuers and dates."),
    CREDENTIAL_UPSERT: _("Add credentials to your wallet (each is verified before it is kept)."),
    PROFILE_READ: _("See your name and e-mail address."),
    PROFILE_UPDATE: _("Change the name shown on your profile."),
}

#: the descriptions the OB 3.0 discovery document gives each scope (its own wording)
SCOPE_DESCRIPTIONS = {
    CREDENTIAL_READ: "Permission to read AchievementCredentials for the authenticated entity.",
    CREDENTIAL_UPSERT: (
        "Permission to create or update AchievementCredentials for the authenticated entity."
    ),
    PROFILE_READ: "Permission to read the profile for the authenticated entity.",
    PROFILE_UPDATE: "Permission to update the profile for the authenticated entity.",
}

ALL_SCOPES = tuple(SCOPE_WORDS)

#: organisation API scopes (client-credentials grant), and what each lets a client do
ORG_ACHIEVEMENTS_READ = "org.achievements.read"
ORG_CREDENTIALS_READ = "org.credentials.read"
ORG_CREDENTIALS_ISSUE = "org.credentials.issue"
ORG_CREDENTIALS_MANAGE = "org.credentials.manage"
ORG_DELIVERIES_WRITE = "org.deliveries.write"
ORG_PEOPLE_READ = "org.people.read"
ORG_SCOPE_WORDS: dict[str, Any] = {
    ORG_ACHIEVEMENTS_READ: _("List the organisation's published achievements."),
    ORG_CREDENTIALS_READ: _("Read credentials the organisation issued."),
    ORG_CREDENTIALS_ISSUE: _("Issue credentials in the organisation's name."),
    ORG_CREDENTIALS_MANAGE: _("Revoke, suspend and reinstate the organisation's credentials."),
    ORG_DELIVERIES_WRITE: _("Report bounced e-mails of credential deliveries."),
    ORG_PEOPLE_READ: _("Read members' skills profiles, gaps and recommendations."),
}


def registered_scopes(application: Any) -> list[str]:
    """The scopes ``application`` registered (all of ours when it has no registration row)."""
    organisation_client = getattr(application, "organisation_client", None) if application else None
    if organisation_client is not None:
        return [s for s in organisation_client.scope.split() if s in ORG_SCOPE_WORDS]
    registration = getattr(application, "registration", None) if application else None
    if registration is None:
        return list(ALL_SCOPES)
    return [s for s in registration.scope.split() if s in SCOPE_WORDS]


class RegisteredScopes:
    """django-oauth-toolkit scopes backend: a client may ask only for what it registered."""

    def get_all_scopes(self) -> dict[str, str]:
        every = {**SCOPE_WORDS, **ORG_SCOPE_WORDS}
        return {scope: str(words) for scope, words in every.items()}

    def get_available_scopes(
        self, application: Any = None, request: Any = None, *args: Any, **kwargs: Any
    ) -> list[str]:
        return registered_scopes(application)

    def get_default_scopes(
        self, application: Any = None, request: Any = None, *args: Any, **kwargs: Any
    ) -> list[str]:
        return registered_scopes(application)
