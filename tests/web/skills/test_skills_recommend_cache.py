"""The organisation's catalogue of offers is built once and reused, and a change to what it reads
(an alignment, its level, an achievement) is seen by the next recommendation at once."""

from __future__ import annotations

from django.db import connection
from django.test.utils import CaptureQueriesContext

from microcred_web.skills import recommending, services
from microcred_web.skills.models import Alignment


def test_catalogue_is_reused_until_an_alignment_changes(skills) -> None:
    world, admin = skills.world, skills.world.people["admin"]
    first = recommending.catalogue(organisation=world.org)
    with CaptureQueriesContext(connection) as reused:
        again = recommending.catalogue(organisation=world.org)
    assert again is first  # the same object: nothing was rebuilt
    assert len(reused.captured_queries) == 7  # the change stamp's aggregates only

    offer = next(o for o in first.offers if o.kind == "credential")
    assert offer.gives == {str(skills.forklift.pk): 3}
    services.alignment_set(
        achievement=skills.achievement,
        actor=admin,
        rows=[(skills.forklift.pk, 3), (skills.stock.pk, 2)],
    )
    added = recommending.catalogue(organisation=world.org)
    assert added is not first
    offer = next(o for o in added.offers if o.key == offer.key)
    assert offer.gives == {str(skills.forklift.pk): 3, str(skills.stock.pk): 2}

    # a bulk update saves no timestamp: the levels in the stamp still show it
    Alignment.objects.filter(achievement=skills.achievement, skill=skills.stock).update(level=4)
    levelled = recommending.catalogue(organisation=world.org)
    assert next(o for o in levelled.offers if o.key == offer.key).gives[str(skills.stock.pk)] == 4


def test_catalogue_expires_after_its_time(skills, settings) -> None:
    world = skills.world
    settings.MICROCRED_RECOMMEND_CACHE_SECONDS = 0
    first = recommending.catalogue(organisation=world.org)
    assert recommending.catalogue(organisation=world.org) is not first
