from __future__ import annotations

import pytest

from microcred.model.eu_elements import eu_elements
from microcred_web.achievements import services
from microcred_web.achievements.markdown import render_markdown
from microcred_web.achievements.models import Achievement
from microcred_web.common.errors import ApplicationError

BASE = {"name": "First aid", "description": "Gives first aid.", "criteria": "Course *passed*."}


def make(world, **extra):
    return services.achievement_create(
        organisation=world.org, actor=world.people["admin"], values={**BASE, **extra}
    )


def test_publish_then_edit_creates_a_new_version_only_when_content_changes(world):
    achievement = make(world)
    first = services.achievement_publish(achievement=achievement, actor=None)
    assert first.number == 1
    services.achievement_update(achievement=achievement, actor=None, values={"level": ""})
    achievement.refresh_from_db()
    assert achievement.current_version_id == first.pk
    services.achievement_update(
        achievement=achievement, actor=None, values={"name": "First aid II"}
    )
    achievement.refresh_from_db()
    assert achievement.current_version.number == 2
    first.refresh_from_db()
    assert first.achievement_json["name"] == "First aid"
    assert achievement.current_version.achievement_json["name"] == "First aid II"


def test_eu_elements_are_carried_as_open_badges_alignments(world):
    achievement = make(
        world,
        learning_outcomes="Performs CPR\nCalls for help",
        translations={"fr": {"name": "Secourisme", "learning_outcomes": "Pratique la RCP"}},
        eqf_level=3,
        credit_ects="2",
        participation_mode="on-site",
        alignments=[{"name": "CPR", "url": "https://skills.example/cpr"}],
    )
    version = services.achievement_publish(achievement=achievement, actor=None)
    data = version.achievement_json
    # only OB 3.0 terms: nothing that needs the former EU extension context (decision 0022)
    assert not {"learningOutcome", "eqfLevel", "creditECTS", "participationMode"} & set(data)
    assert data["alignment"][0]["targetName"] == "CPR"  # the achievement's own alignment first
    by_element = {e.element: e.values for e in eu_elements(data)}
    assert by_element == {
        "learningOutcome": ("Performs CPR", "Calls for help"),  # the achievement's language
        "creditECTS": ("2",),
        "eqfLevel": ("3",),
        "participationMode": ("on-site",),
    }
    eu = data["alignment"][1:]
    eqf = next(a for a in eu if a["targetType"] == "ext:EUMicroCredential.eqfLevel")
    assert eqf["targetUrl"] == "http://data.europa.eu/snb/eqf/3" and eqf["targetCode"] == "3"
    others = [a for a in eu if a is not eqf]
    assert all(a["targetUrl"].startswith(data["id"] + "#eu-") for a in others)


def test_field_errors_name_the_field(world):
    with pytest.raises(ApplicationError) as caught:
        make(world, name=" ")
    assert caught.value.field == "name"
    with pytest.raises(ApplicationError) as caught:
        make(world, alignments=[{"name": "CPR", "url": "not a url"}])
    assert caught.value.field == "alignments"
    with pytest.raises(ApplicationError) as caught:
        make(world, expiry_policy="months")
    assert caught.value.field == "expiry_months"
    assert not Achievement.objects.exists()


def test_markdown_is_sanitised():
    html = render_markdown("**ok** <script>alert(1)</script> [x](javascript:alert(1))")
    assert "<strong>ok</strong>" in html
    assert "<script" not in html and "javascript:" not in html


def test_form_page_shows_field_errors_and_creates(client, world):
    client.force_login(world.people["issuer"])
    url = "/o/acme/achievements/new/"
    bad = client.post(
        url,
        {
            "name": "",
            "description": "d",
            "criteria": "c",
            "achievement_type": "Badge",
            "expiry_policy": "none",
            "language": "en",
        },
    )
    assert bad.status_code == 400 and b"This field is required" in bad.content
    good = client.post(
        url,
        {
            "name": "CPR",
            "description": "d",
            "criteria": "c",
            "achievement_type": "Badge",
            "expiry_policy": "none",
            "language": "en",
            "alignment-name": ["CPR"],
            "alignment-url": ["https://esco.example/cpr"],
            "alignment-framework": ["ESCO"],
            "alignment-code": ["1"],
        },
    )
    assert good.status_code == 302
    achievement = Achievement.objects.get(name="CPR")
    assert achievement.alignments[0]["url"] == "https://esco.example/cpr"
    publish = client.post(f"/o/acme/achievements/{achievement.pk}/publish/")
    assert publish.status_code == 302
    public = client.get(f"/achievements/{achievement.public_id}/v1")
    assert public.json()["alignment"][0]["targetName"] == "CPR"
