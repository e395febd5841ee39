"""Share targets built from a credential: LinkedIn "add to profile", the embeddable snippet."""

from __future__ import annotations

from urllib.parse import urlencode

from django.urls import reverse
from django.utils.html import format_html

from microcred_web.issuing.identity import absolute_url
from microcred_web.issuing.models import Credential, IssuerProfile

LINKEDIN_ADD = "https://www.linkedin.com/profile/add"


def public_url(credential: Credential) -> str:
    return absolute_url(reverse("issuing:credential", kwargs={"public_id": credential.public_id}))


def linkedin_params(credential: Credential) -> dict[str, str]:
    """The fields of LinkedIn's add-to-profile (certification) form, in order."""
    profile = IssuerProfile.objects.filter(organisation_id=credential.organisation_id).first()
    params = {
        "startTask": "CERTIFICATION_NAME",
        "name": credential.achievement_version.name,
    }
    if profile is not None and profile.linkedin_organization_id:
        params["organizationId"] = profile.linkedin_organization_id
    else:
        params["organizationName"] = (
            profile.name if profile else ""
        ) or credential.organisation.name
    params["issueYear"] = str(credential.issued_at.year)
    params["issueMonth"] = str(credential.issued_at.month)
    if credential.valid_until is not None:
        params["expirationYear"] = str(credential.valid_until.year)
        params["expirationMonth"] = str(credential.valid_until.month)
    params["certUrl"] = public_url(credential)
    params["certId"] = str(credential.public_id)
    return params


def linkedin_url(credential: Credential) -> str:
    return f"{LINKEDIN_ADD}?{urlencode(linkedin_params(credential))}"


def embed_snippet(credential: Credential) -> str:
    """HTML a learner can paste into a web page: the badge image linking to the public page
    (every value escaped)."""
    version = credential.achievement_version
    image = absolute_url(reverse("rendering:badge_png", kwargs={"public_id": credential.public_id}))
    return str(
        format_html(
            '<a href="{}" title="{}"><img src="{}" alt="{}" width="120" height="120"></a>',
            public_url(credential),
            f"{version.name} · {credential.organisation.name}",
            image,
            version.name,
        )
    )


def embed_frame_snippet(credential: Credential) -> str:
    """An iframe of the credential's rich embed (badge, holder, issuer, live status)."""
    frame = absolute_url(
        reverse("issuing:credential_embed", kwargs={"public_id": credential.public_id})
    )
    return str(
        format_html(
            '<iframe src="{}" title="{}" width="460" height="120" loading="lazy" '
            'style="border:0;max-width:100%"></iframe>',
            frame,
            f"{credential.achievement_version.name} · {credential.organisation.name}",
        )
    )
