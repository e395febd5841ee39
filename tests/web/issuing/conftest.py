from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any
from urllib.parse import urlsplit

import pytest
from django.conf import settings

from microcred.did import MapResolver, did_web_to_url
from microcred_web.achievements import services as achievement_services
from microcred_web.achievements.models import Achievement, AchievementVersion

VALUES = {
    "name": "Forklift safety",
    "description": "Operates a counterbalance forklift safely.",
    "criteria": "Passed the **practical** assessment.",
    "achievement_type": "Badge",
    "tags": ["safety", "warehouse"],
    "alignments": [
        {
            "framework": "ESCO",
            "code": "S1.2",
            "name": "operate forklift",
            "url": "https://esco.example/skill/1",
        }
    ],
    "learning_outcomes": "Load safely\nInspect the truck",
    "credit_ects": "1.5",
    "eqf_level": 4,
}


@pytest.fixture
def achievement(world) -> Achievement:
    return achievement_services.achievement_create(
        organisation=world.org, actor=world.people["admin"], values=VALUES
    )


@pytest.fixture
def version(world, achievement) -> AchievementVersion:
    return achievement_services.achievement_publish(
        achievement=achievement, actor=world.people["admin"]
    )


def _path(url: str) -> str:
    base = settings.BASE_URL.rstrip("/")
    assert url.startswith(base), url
    return url[len(base) :]


@pytest.fixture
def resolver_for(client) -> Callable[[dict[str, Any]], MapResolver]:
    """A MapResolver built only from this app's own HTTP responses (did.json, status list)."""

    def build(document: dict[str, Any]) -> MapResolver:
        documents: dict[str, Any] = {}
        issuer = (
            document["issuer"]["id"] if isinstance(document["issuer"], dict) else document["issuer"]
        )
        did_path = urlsplit(did_web_to_url(issuer)).path
        response = client.get(did_path)
        assert response.status_code == 200, did_path
        documents[issuer] = json.loads(response.content)
        status = document.get("credentialStatus")
        for entry in status if isinstance(status, list) else [status] if status else []:
            url = entry["statusListCredential"]
            listing = client.get(_path(url))
            assert listing.status_code == 200, url
            documents[url] = json.loads(listing.content)
        return MapResolver(documents)

    return build
