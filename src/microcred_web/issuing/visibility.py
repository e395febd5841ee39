"""Who may see a credential's public page and downloads (the holder's privacy choice).

A credential is private until its holder makes it public in their wallet. Private, it is
shown only to the holder, to the issuing organisation's issuers and administrators, and to
visitors who opened a share link of the holder in this browser session (the wallet puts the
credential's id in the session under :data:`SHARED_SESSION_KEY`). Everyone else gets a 404,
the same answer as for a credential that does not exist.
"""

from __future__ import annotations

from collections.abc import Collection
from typing import Any

from django.http import HttpRequest

from microcred_web.issuing.models import Credential
from microcred_web.orgs.models import MembershipRole, Role

SHARED_SESSION_KEY = "microcred.shared_credentials"
#: roles of the issuing organisation that always see its credentials
ISSUER_SIDE_ROLES = (Role.ADMIN, Role.ISSUER)


def is_issuer_side(*, credential: Credential, user: Any) -> bool:
    if user is None or not getattr(user, "is_authenticated", False):
        return False
    return MembershipRole.objects.filter(
        membership__organisation_id=credential.organisation_id,
        membership__user_id=user.pk,
        membership__is_active=True,
        role__in=ISSUER_SIDE_ROLES,
    ).exists()


def credential_visible_to(
    *, credential: Credential, user: Any, shared: Collection[str] = ()
) -> bool:
    """True when ``user`` (possibly anonymous) may see ``credential``'s page and downloads."""
    if credential.is_public:
        return True
    if str(credential.public_id) in shared:
        return True
    if user is not None and getattr(user, "is_authenticated", False):
        if credential.recipient_user_id == user.pk:
            return True
        return is_issuer_side(credential=credential, user=user)
    return False


def shared_in_session(request: HttpRequest) -> list[str]:
    value = request.session.get(SHARED_SESSION_KEY, []) if hasattr(request, "session") else []
    return [str(v) for v in value] if isinstance(value, list) else []


def credential_visible_in(request: HttpRequest, credential: Credential) -> bool:
    return credential_visible_to(
        credential=credential, user=request.user, shared=shared_in_session(request)
    )
