"""The achievement's address: a page for browsers, the OB 3.0 JSON for software (issue 16)."""

from __future__ import annotations

from django.core.files.base import ContentFile

from microcred_web.achievements import services

BROWSER = "text/html,application/xhtml+xml,application/xml;q=0.9,image/avif,*/*;q=0.8"
VALUES = {
    "name": "Forklift safety",
    "description": "Drives a forklift safely.",
    "criteria": "Passes the **practical test**.",
    "learning_outcomes": "Performs the pre-use check\nDrives among pedestrians",
    "translations": {
        "fr": {
            "name": "Sécurité chariot",
            "description": "Conduit un chariot en sécurité.",
            "learning_outcomes": "Effectue la vérification avant utilisation",
        }
    },
    "eqf_level": 3,
    "credit_ects": "2",
    "workload_hours": 16,
    "credits": "4",
    "credit_system": "CPD hours",
    "assessment_type": "Practical test observed by an assessor",
    "quality_assurance": "Audited yearly",
    "alignments": [{"name": "Forklift driving", "url": "https://skills.example/forklift"}],
}


def _published(world, png_bytes):
    achievement = services.achievement_create(
        organisation=world.org,
        actor=world.people["admin"],
        values=VALUES,
        image=ContentFile(png_bytes, name="badge.png"),
    )
    services.achievement_publish(achievement=achievement, actor=None)
    return achievement


def test_browsers_get_a_page_and_software_keeps_the_json(client, world, png_bytes):
    achievement = _published(world, png_bytes)
    url = f"/achievements/{achievement.public_id}/v1"

    page = client.get(url, HTTP_ACCEPT=BROWSER)
    assert page.status_code == 200
    assert page["Content-Type"].startswith("text/html")
    assert "Accept" in page["Vary"]
    html = page.content.decode()
    assert 'id="achievement-title" lang="en">Forklift safety</h1>' in html
    assert f"/achievements/{achievement.public_id}/v1/image" in html  # the badge image
    assert "<strong>practical test</strong>" in html  # criteria as Markdown
    assert "Forklift driving" in html and "Acme Training" in html  # skill and issuer
    assert "CPD hours" in html and "16 hours" in html  # credit and workload
    for shown in ("Level (EQF)", "Performs the pre-use check", "Audited yearly", "Practical test"):
        assert shown in html

    for accept in (
        None,
        "*/*",
        "application/json",
        "application/ld+json",
        "text/html;q=0.5, application/json",
    ):
        extra = {} if accept is None else {"HTTP_ACCEPT": accept}
        response = client.get(url, **extra)
        assert response["Content-Type"] == "application/json", accept
        assert "Accept" in response["Vary"]
        assert response.json()["name"] == "Forklift safety"
    # the page's own link to the JSON works from a browser too
    assert client.get(url + "?format=json", HTTP_ACCEPT=BROWSER).json()["id"].endswith(url)


def test_french_visitor_reads_the_issuer_translation(client, world, png_bytes):
    achievement = _published(world, png_bytes)
    client.cookies["django_language"] = "fr"
    html = client.get(
        f"/achievements/{achievement.public_id}/v1", HTTP_ACCEPT=BROWSER, HTTP_ACCEPT_LANGUAGE="fr"
    ).content.decode()
    assert 'lang="fr">Sécurité chariot</h1>' in html
    assert "Effectue la vérification avant utilisation" in html
    assert "Performs the pre-use check" not in html
    assert "Niveau (CEC)" in html or "Niveau (EQF)" in html  # the EU label in French


def test_drafts_and_unknown_versions_are_not_found(client, world, png_bytes):
    draft = services.achievement_create(
        organisation=world.org, actor=world.people["admin"], values=VALUES
    )
    assert client.get(f"/achievements/{draft.public_id}/v1", HTTP_ACCEPT=BROWSER).status_code == 404
    published = _published(world, png_bytes)
    assert (
        client.get(f"/achievements/{published.public_id}/v9", HTTP_ACCEPT=BROWSER).status_code
        == 404
    )
