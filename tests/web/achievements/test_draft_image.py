"""A draft achievement shows its uploaded image, not the placeholder (issue 16, item 4)."""

from __future__ import annotations

from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from microcred_web.achievements import services


def _draft_with_image(world, png_bytes):
    return services.achievement_create(
        organisation=world.org,
        actor=world.people["admin"],
        values={"name": "Forklift", "description": "Drives.", "criteria": "Passed."},
        image=SimpleUploadedFile("badge.png", png_bytes, content_type="image/png"),
    )


def test_a_draft_shows_its_uploaded_image(client, world, png_bytes) -> None:
    achievement = _draft_with_image(world, png_bytes)
    assert achievement.current_version is None and achievement.image
    image_url = reverse(
        "achievements:image", kwargs={"slug": world.org.slug, "achievement_id": achievement.pk}
    )
    client.force_login(world.people["issuer"])
    for page in ("achievements:detail", "achievements:list"):
        kwargs = {"slug": world.org.slug}
        if page == "achievements:detail":
            kwargs["achievement_id"] = achievement.pk
        html = client.get(reverse(page, kwargs=kwargs)).content.decode()
        assert f'src="{image_url}"' in html, page
    served = client.get(image_url)
    assert served.status_code == 200 and served["Content-Type"] == "image/png"
    assert b"".join(served.streaming_content) == png_bytes
    assert "private" in served["Cache-Control"]


def test_the_draft_image_is_for_the_organisation_s_editors_only(client, world, png_bytes) -> None:
    achievement = _draft_with_image(world, png_bytes)
    url = reverse(
        "achievements:image", kwargs={"slug": world.org.slug, "achievement_id": achievement.pk}
    )
    client.force_login(world.people["learner"])
    assert client.get(url).status_code == 403
    client.force_login(world.others["admin"])
    assert client.get(url).status_code == 404
    client.logout()
    assert client.get(url).status_code == 302
