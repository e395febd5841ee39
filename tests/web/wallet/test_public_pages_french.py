"""A French visitor reads the public credential page, the achievement page and the embed in
French only (issue 16, item 3): UI strings from the shipped catalogue (compiled here from the
.po, as the release does), the achievement in the issuer's French, dates in French."""

from __future__ import annotations

import re
import shutil
from pathlib import Path

import pytest
from django.utils import translation
from django.utils.formats import date_format

import microcred_web
from microcred_web.common.catalogues import compile_catalogue
from microcred_web.wallet import services

PO = Path(microcred_web.__file__).parent / "locale" / "fr" / "LC_MESSAGES" / "django.po"
#: English that must not reach a French reader of these pages
ENGLISH = re.compile(
    r"\b(Issued|Valid until|About this achievement|Verification|Download|Identifier|"
    r"Badge image|Signed credential|Forklift safety|Operates a counterbalance|For software|"
    r"Awarded to|December|Dec)\b"
)


@pytest.fixture
def french_catalogue(settings, tmp_path):
    folder = tmp_path / "locale" / "fr" / "LC_MESSAGES"
    folder.mkdir(parents=True)
    shutil.copy(PO, folder / "django.po")
    compile_catalogue(folder / "django.po")
    settings.LOCALE_PATHS = [tmp_path / "locale"]


def _visible_text(html: str) -> str:
    body = html.split("<body", 1)[1]
    body = re.sub(r"<(svg|script|style|details)\b.*?</\1>", "", body, flags=re.S)
    body = re.sub(r'<(select|form) class="lang-form".*?</\1>', "", body, flags=re.S)
    return re.sub(r"<[^>]+>", " ", body)


def test_public_pages_speak_only_french(client, world, credential, version, french_catalogue):
    achievement = version.achievement
    achievement.translations = {
        "fr": {
            "name": "Sécurité chariot",
            "description": "Conduit un chariot en sécurité.",
            "criteria": "A réussi l’évaluation **pratique**.",
        }
    }
    achievement.save()
    services.credential_visibility_set(
        credential=credential, user=world.people["learner"], is_public=True
    )
    client.cookies["django_language"] = "fr"
    pages = {
        "credential": f"/credentials/{credential.public_id}",
        "achievement": f"/achievements/{achievement.public_id}/v{version.number}",
        "embed": f"/c/{credential.public_id}/embed",
    }
    for name, url in pages.items():
        html = client.get(url, HTTP_ACCEPT="text/html").content.decode()
        text = _visible_text(html)
        assert "Sécurité chariot" in text, name
        assert ENGLISH.findall(text) == [], (name, ENGLISH.findall(text))
    credential_text = _visible_text(client.get(pages["credential"]).content.decode())
    with translation.override("fr"):
        issued = date_format(credential.issued_at, "DATE_FORMAT")  # e.g. "7 décembre 2026"
    assert f"Délivrée le {issued}" in credential_text
    assert "Vérification" in credential_text and "Télécharger" in credential_text
