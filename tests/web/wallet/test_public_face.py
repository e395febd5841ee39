"""The public face of a credential (issue 16, item 5): QR code, rich embed with live status,
badge images on the public profile, the achievement in the visitor's language."""

from __future__ import annotations

import re

import segno
from django.conf import settings
from lxml import etree

from microcred_web.issuing import services as issuing
from microcred_web.wallet import services, sharing
from microcred_web.wallet.models import WalletProfile

SVG = "{http://www.w3.org/2000/svg}"


def _dark_modules(svg: etree._Element) -> set[tuple[int, int]]:
    """The dark modules a segno SVG path draws (``M x y`` / ``m dx dy`` moves, ``h n`` runs)."""
    path = next(p for p in svg.iter(f"{SVG}path") if p.get("stroke"))
    x = y = 0.0
    dark: set[tuple[int, int]] = set()
    for command, numbers in re.findall(r"([MmHh])([-\d.\s]+)", path.get("d")):
        values = [float(n) for n in numbers.split()]
        if command == "M":
            x, y = values
        elif command == "m":
            x, y = x + values[0], y + values[1]
        else:
            dark.update((int(x) + i, int(y)) for i in range(int(values[0])))
            x += values[0]
    return dark


def test_public_page_has_a_qr_code_of_its_address(client, world, credential):
    learner = world.people["learner"]
    services.credential_visibility_set(credential=credential, user=learner, is_public=True)
    html = client.get(f"/credentials/{credential.public_id}").content.decode()
    svg_text = re.search(r'<div class="qr-code">(.*?)</div>', html, re.S).group(1)
    svg = etree.fromstring(svg_text.encode())
    assert svg.tag == f"{SVG}svg" and svg.get("viewBox")
    url = f"{settings.BASE_URL.rstrip('/')}/credentials/{credential.public_id}"
    border = 2
    expected = {
        (column + border, row + border)
        for row, line in enumerate(segno.make(url, error="m", micro=False).matrix)
        for column, bit in enumerate(line)
        if bit
    }
    assert _dark_modules(svg) == expected  # the code encodes exactly the page's address


def test_embed_shows_live_status_and_may_be_framed(client, world, credential):
    learner = world.people["learner"]
    services.credential_visibility_set(credential=credential, user=learner, is_public=True)
    url = f"/c/{credential.public_id}/embed"
    response = client.get(url)
    assert response.status_code == 200
    assert "X-Frame-Options" not in response
    assert "frame-ancestors *" in response["Content-Security-Policy"]
    html = response.content.decode()
    assert 'data-status="active"' in html and "Forklift safety" in html
    assert "Lea Learner" in html and "Acme Training" in html
    # every other page keeps refusing to be framed
    assert client.get(f"/credentials/{credential.public_id}")["X-Frame-Options"] == "DENY"

    issuing.credential_suspend(credential=credential, actor=None, reason="Under review")
    assert 'data-status="suspended"' in client.get(url).content.decode()
    issuing.credential_unsuspend(credential=credential, actor=None, reason="Cleared")
    issuing.credential_revoke(credential=credential, actor=None, reason="Mistake")
    html = client.get(url).content.decode()
    assert 'data-status="revoked"' in html and ">Revoked<" in html


def test_embed_of_a_private_credential_is_not_found(client, credential):
    assert client.get(f"/c/{credential.public_id}/embed").status_code == 404


def test_wallet_gives_the_frame_snippet(client, world, credential):
    client.force_login(world.people["learner"])
    html = client.get(f"/wallet/credentials/{credential.public_id}/").content.decode()
    assert 'id="embed-live-code"' in html
    assert (
        f"&lt;iframe src=&quot;{settings.BASE_URL.rstrip('/')}/c/{credential.public_id}/embed"
        in html
    )
    snippet = sharing.embed_frame_snippet(credential)
    assert snippet.startswith('<iframe src="http') and 'title="Forklift safety' in snippet


def test_public_profile_shows_badge_images(client, world, credential):
    learner = world.people["learner"]
    services.credential_visibility_set(credential=credential, user=learner, is_public=True)
    WalletProfile.objects.update_or_create(user=learner, defaults={"handle": "lea"})
    html = client.get("/u/lea/").content.decode()
    badge = f'src="/credentials/{credential.public_id}/badge.png"'  # no image of its own: drawn
    assert badge in html
    assert client.get(f"/credentials/{credential.public_id}/badge.png").status_code == 200


def test_french_visitor_reads_the_translated_achievement(client, world, credential, version):
    achievement = version.achievement
    achievement.translations = {"fr": {"name": "Sécurité chariot", "description": "En français."}}
    achievement.save()
    services.credential_visibility_set(
        credential=credential, user=world.people["learner"], is_public=True
    )
    client.cookies["django_language"] = "fr"
    html = client.get(f"/credentials/{credential.public_id}").content.decode()
    assert 'lang="fr">Sécurité chariot</h1>' in html and "En français." in html
    assert "Forklift safety" not in html.split("<body", 1)[1]
