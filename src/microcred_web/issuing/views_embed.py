"""The rich embed of a credential: a small page other sites show in an iframe, with the badge,
the achievement, the holder, the issuer and the credential's status at the time it is shown.

Only this route may be framed by other sites (``X-Frame-Options`` exempt,
``Content-Security-Policy: frame-ancestors *``); every other page keeps ``DENY``.
"""

from __future__ import annotations

from typing import Final
from uuid import UUID

from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.clickjacking import xframe_options_exempt
from django.views.decorators.http import require_GET

from microcred_web.achievements.localised import localised_texts
from microcred_web.issuing import selectors
from microcred_web.issuing.identity import absolute_url
from microcred_web.issuing.visibility import credential_visible_in

#: a framing page may be anywhere; the embed shows nothing a public page does not
FRAME_POLICY: Final = "frame-ancestors *; default-src 'self'; style-src 'unsafe-inline'"


@xframe_options_exempt
@require_GET
def credential_embed(request: HttpRequest, public_id: UUID) -> HttpResponse:
    credential = selectors.credential_public_get(public_id=public_id)
    if credential is None or not credential_visible_in(request, credential):
        raise Http404("No such credential.")
    version = credential.achievement_version
    if version.image:
        image = reverse(
            "achievements:public_image",
            kwargs={"public_id": version.achievement.public_id, "number": version.number},
        )
    else:
        image = reverse("rendering:badge_png", kwargs={"public_id": credential.public_id})
    page = absolute_url(reverse("issuing:credential", kwargs={"public_id": credential.public_id}))
    texts = localised_texts(version.achievement_json, version.achievement.translations)
    context = {
        "credential": credential,
        "texts": texts,
        "issuer": credential.organisation.name,
        "image_url": image,
        "page_url": page,
        "status": credential.status_at(timezone.now()),
    }
    response = render(request, "issuing/credential_embed.html", context)
    response["Content-Security-Policy"] = FRAME_POLICY
    response["Cache-Control"] = "no-cache"  # the status is read on every showing
    return response
