from __future__ import annotations

from django.core.files.uploadedfile import SimpleUploadedFile

from microcred_web.learning.models import Block, MediaFile


def _block_url(setup, kind: str) -> str:
    module = setup.modules[0]
    return f"/o/acme/learning/courses/{setup.course.pk}/modules/{module.pk}/blocks/new/{kind}/"


def test_image_upload_is_sniffed_stored_and_served(client, setup, png_bytes) -> None:
    client.force_login(setup.admin)
    upload = SimpleUploadedFile("photo.bin", png_bytes, content_type="application/octet-stream")
    response = client.post(_block_url(setup, "image"), {"upload": upload, "caption": "A pallet"})
    assert response.status_code == 302
    media = MediaFile.objects.get()
    assert media.content_type == "image/png"
    assert Block.objects.filter(kind="image", media=media).exists()
    served = client.get(f"/o/acme/learning/media/{media.public_id}")
    assert served.status_code == 200
    assert served["Content-Type"] == "image/png"
    assert served["X-Content-Type-Options"] == "nosniff"
    assert b"".join(served.streaming_content) == png_bytes


def test_wrong_type_is_refused_naming_the_field(client, setup) -> None:
    client.force_login(setup.admin)
    fake = SimpleUploadedFile(
        "innocent.png", b"<html><script>alert(1)</script></html>", content_type="image/png"
    )
    response = client.post(_block_url(setup, "image"), {"upload": fake, "caption": "x"})
    assert response.status_code == 400
    html = response.content.decode()
    assert 'id="id_upload_error"' in html
    assert "not an accepted type" in html
    svg = SimpleUploadedFile("a.svg", b"<svg onload=alert(1)></svg>", content_type="image/svg+xml")
    response = client.post(_block_url(setup, "file"), {"upload": svg})
    assert response.status_code == 400 and 'id="id_upload_error"' in response.content.decode()
    assert not MediaFile.objects.exists()


def test_too_big_is_refused_naming_the_field(client, setup, settings, png_bytes) -> None:
    settings.MICROCRED_LEARNING_UPLOAD_LIMITS = {"image": 40}
    client.force_login(setup.admin)
    upload = SimpleUploadedFile("big.png", png_bytes, content_type="image/png")
    response = client.post(_block_url(setup, "image"), {"upload": upload, "caption": "x"})
    assert response.status_code == 400
    html = response.content.decode()
    assert 'id="id_upload_error"' in html and "the limit for this kind of block" in html
    assert not MediaFile.objects.exists()


def test_media_of_another_organisation_is_not_served(
    client, setup, png_bytes, make_org, make_member
) -> None:
    client.force_login(setup.admin)
    upload = SimpleUploadedFile("p.png", png_bytes, content_type="image/png")
    client.post(_block_url(setup, "image"), {"upload": upload, "caption": "x"})
    media = MediaFile.objects.get()
    other = make_org("globex")
    outsider = make_member(other, "admin")
    client.force_login(outsider)
    assert client.get(f"/o/globex/learning/media/{media.public_id}").status_code == 404
