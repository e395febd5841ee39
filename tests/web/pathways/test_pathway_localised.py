"""A French reader of a pathway page and map sees the achievements' French names where the
issuer wrote them (issue 16, item 3)."""

from __future__ import annotations

from django.urls import reverse
from pathways_helpers import build_lead

from microcred_web.pathways import services


def test_pathway_page_and_map_name_achievements_in_french(client, world) -> None:
    admin, learner = world.people["admin"], world.people["learner"]
    lead = build_lead(world.org, admin)
    forklift = lead.parts["forklift"]
    forklift.translations = {"fr": {"name": "Chariot élévateur"}}
    forklift.save(update_fields=["translations"])
    services.pathway_publish(pathway=lead.pathway, actor=admin)
    kwargs = {"slug": world.org.slug, "public_id": lead.pathway.public_id}
    detail = reverse("pathways:detail", kwargs=kwargs)
    assert "‘Forklift’" in client.get(detail).content.decode()

    client.cookies["django_language"] = "fr"
    french = client.get(detail).content.decode()
    assert "Chariot élévateur" in french and "‘Forklift’" not in french
    client.force_login(learner)
    client.post(reverse("pathways:enrol", kwargs=kwargs))
    page = client.get(reverse("pathways:map", kwargs=kwargs)).content.decode()
    assert "Chariot élévateur" in page
