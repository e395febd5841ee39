"""Concurrent events issue a pathway milestone exactly once (Hypothesis over how the
milestone's components are split between two racing connections).

Real threads, each with its own database connection, on PostgreSQL; SQLite serialises writers
(BEGIN IMMEDIATE), so there is no race to lose and the test is skipped with that reason.
"""

from __future__ import annotations

import contextlib
import itertools
import threading
from collections.abc import Callable
from typing import Any

import pytest
from django.db import connection
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from pathways_helpers import build_lead, credentials_of, issue

from microcred_web.accounts.models import User
from microcred_web.awards import services as award_services
from microcred_web.awards.models import Award
from microcred_web.orgs import services as org_services
from microcred_web.pathways import services
from microcred_web.pathways.models import Pathway

postgres_only = pytest.mark.skipif(
    connection.vendor != "postgresql",
    reason="a race between two database connections needs PostgreSQL (SQLite serialises writers)",
)
COMPONENTS = ("forklift", "lifting", "fire")  # core (both) and options (one): the milestone
_people = itertools.count()
_leads: dict[int, Any] = {}


def _run_in_threads(targets: list[Callable[[], Any]]) -> None:
    errors: list[BaseException] = []

    def run(target: Callable[[], Any]) -> None:
        try:
            target()
        except BaseException as exc:  # reported by the test
            errors.append(exc)
        finally:
            connection.close()

    threads = [threading.Thread(target=run, args=(t,)) for t in targets]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    assert not errors, errors


class _Meet:
    """Both threads reach ``award_issue`` together when both see the milestone met; gives up
    after ``timeout`` (when only one of them does)."""

    def __init__(self, timeout: float) -> None:
        self.barrier = threading.Barrier(2)
        self.timeout = timeout

    def __call__(self) -> None:
        with contextlib.suppress(threading.BrokenBarrierError):
            self.barrier.wait(timeout=self.timeout)


@postgres_only
@pytest.mark.django_db(transaction=True)
@settings(
    max_examples=6,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(split=st.lists(st.sampled_from(["a", "b", "both"]), min_size=3, max_size=3))
def test_concurrent_events_issue_the_milestone_exactly_once(
    world, monkeypatch, split: list[str]
) -> None:
    admin = world.people["admin"]
    lead = _leads.get(world.org.pk)
    if lead is None or not Pathway.objects.filter(pk=lead.pathway.pk).exists():
        # one pathway for every example of this test; a new learner per example
        lead = _leads[world.org.pk] = build_lead(world.org, admin)
        services.pathway_publish(pathway=lead.pathway, actor=admin)
    learner = User.objects.create_user(f"race{next(_people)}@acme.example", "x" * 16)
    org_services.membership_add(organisation=world.org, user=learner, roles=["learner"])
    services.pathway_enrol(pathway=lead.pathway, user=learner)
    meet = _Meet(timeout=1.0)
    original = award_services.award_issue

    def award_issue(**kwargs: Any) -> Any:
        meet()  # both evaluations saw the milestone met: both try to issue it
        return original(**kwargs)

    monkeypatch.setattr(award_services, "award_issue", award_issue)
    batches: dict[str, list[str]] = {"a": [], "b": []}
    for name, side in zip(COMPONENTS, split, strict=True):
        for thread in ("a", "b") if side == "both" else (side,):
            batches[thread].append(name)

    def events(names: list[str]) -> Callable[[], None]:
        def work() -> None:
            for name in names:
                issue(world.org, admin, lead.parts[name], learner)
            award_services.awards_evaluate(organisation=world.org, user_ids=[learner.pk])

        return work

    _run_in_threads([events(batches["a"]), events(batches["b"])])
    monkeypatch.undo()
    award_services.awards_evaluate(organisation=world.org, user_ids=[learner.pk])
    assert len(credentials_of(world.org, lead.parts["half"], learner)) == 1
    assert Award.objects.filter(user=learner, achievement=lead.parts["half"]).count() == 1
