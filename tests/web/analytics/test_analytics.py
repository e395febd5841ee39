from __future__ import annotations

from datetime import date, timedelta
from io import StringIO

import pytest
from django.core.management import call_command
from django.db import connection
from django.test import RequestFactory
from django.utils import timezone

from microcred_web.analytics import selectors
from microcred_web.analytics.models import CredentialEvent
from microcred_web.analytics.services import event_record
from microcred_web.analytics.visitors import visitor_hash

CLIENT_IP = "203.0.113.77"


def _request(ip: str = CLIENT_IP, agent: str = "TestBrowser/1.0"):
    return RequestFactory().get("/", REMOTE_ADDR=ip, HTTP_USER_AGENT=agent)


def test_event_record_stores_one_row_without_the_ip(world) -> None:
    event_record(
        kind="share",
        organisation_id=world.org.pk,
        channel="email",
        viewer_organisation_id=world.other.pk,
        request=_request(),
    )
    event = CredentialEvent.objects.get()
    assert (event.kind, event.channel, event.organisation_id) == ("share", "email", world.org.pk)
    assert event.viewer_organisation_id == world.other.pk
    assert len(event.visitor_hash) == 64
    with connection.cursor() as cursor:
        cursor.execute("SELECT * FROM analytics_credentialevent")
        dumped = repr(cursor.fetchall())
    assert CLIENT_IP not in dumped
    assert "203.0.113" not in dumped


def test_visitor_hash_rotates_daily_and_separates_visitors() -> None:
    today = date(2026, 11, 23)
    same = visitor_hash(_request(), day=today)
    assert same == visitor_hash(_request(), day=today)
    assert same != visitor_hash(_request(), day=today + timedelta(days=1))
    assert same != visitor_hash(_request(ip="198.51.100.1"), day=today)


def test_event_record_never_raises(world, caplog) -> None:
    event_record(kind="not-a-kind", organisation_id=world.org.pk)
    event_record(kind="view", organisation_id=world.org.pk, channel="x" * 50)
    assert list(CredentialEvent.objects.values_list("kind", "channel")) == [("view", "x" * 20)]
    assert "not recorded" in caplog.text


def test_organisation_counts_per_day_and_breakdown(world) -> None:
    for channel in ("linkedin", "email", "email"):
        event_record(kind="share", organisation_id=world.org.pk, channel=channel)
    event_record(kind="verify", organisation_id=world.org.pk, result="valid")
    event_record(kind="verify", organisation_id=world.other.pk, result="revoked")
    old = CredentialEvent.objects.create(kind="view", organisation=world.org)
    CredentialEvent.objects.filter(pk=old.pk).update(created_at=timezone.now() - timedelta(days=40))
    period = selectors.Period.last_days(30)
    daily = selectors.organisation_daily_counts(organisation=world.org, period=period)
    assert daily["share"] == {timezone.now().date(): 3}
    assert "view" not in daily  # 40 days old: outside the period
    shares = selectors.organisation_breakdown(
        organisation=world.org, period=period, kind="share", by="channel"
    )
    assert shares == {"email": 2, "linkedin": 1}
    verified = selectors.organisation_breakdown(
        organisation=world.org, period=period, kind="verify", by="result"
    )
    assert verified == {"valid": 1}
    assert len(selectors.Period.last_days(90).days) == 90


def test_prune_command_deletes_only_old_events(world, settings) -> None:
    settings.MICROCRED_ANALYTICS_RETENTION_DAYS = 30
    keep = CredentialEvent.objects.create(kind="view", organisation=world.org)
    drop = CredentialEvent.objects.create(kind="view", organisation=world.org)
    CredentialEvent.objects.filter(pk=drop.pk).update(
        created_at=timezone.now() - timedelta(days=31)
    )
    out = StringIO()
    call_command("analytics_prune", stdout=out)
    assert "deleted 1 events older than 30 days" in out.getvalue()
    assert list(CredentialEvent.objects.values_list("pk", flat=True)) == [keep.pk]
    call_command("analytics_prune", "--days", "1", stdout=out)
    assert CredentialEvent.objects.filter(pk=keep.pk).exists()


def test_prune_refuses_zero_days(db) -> None:
    from django.core.management.base import CommandError

    with pytest.raises(CommandError):
        call_command("analytics_prune", "--days", "0", stdout=StringIO())


def test_event_record_writes_every_column_as_the_model_reads_it(world) -> None:
    before = timezone.now()
    event_record(
        kind="verify",
        organisation_id=world.org.pk,
        result="r" * 30,
        viewer_organisation_id=world.other.pk,
    )
    event = CredentialEvent.objects.get()
    assert (event.kind, event.result, event.channel) == ("verify", "r" * 20, "")
    assert (event.organisation_id, event.viewer_organisation_id) == (world.org.pk, world.other.pk)
    assert event.credential_id is None and event.visitor_hash == ""
    assert before <= event.created_at <= timezone.now()  # aware, converted back by the ORM


def test_event_record_inside_a_transaction_keeps_it_usable(world) -> None:
    from django.db import transaction

    with transaction.atomic():
        event_record(kind="not-a-kind", organisation_id=world.org.pk)  # refused, logged
        event_record(kind="view", organisation_id=world.org.pk)
        assert CredentialEvent.objects.count() == 1
    assert CredentialEvent.objects.get().kind == "view"


@pytest.mark.skipif(connection.vendor != "postgresql", reason="prepared statements: PostgreSQL")
def test_the_event_insert_is_a_prepared_statement_on_postgresql(world) -> None:
    for _ in range(6):  # psycopg prepares after OPTIONS["prepare_threshold"] (5) runs
        event_record(kind="view", organisation_id=world.org.pk)
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT count(*) FROM pg_prepared_statements "
            "WHERE statement LIKE 'INSERT INTO \"analytics_credentialevent\"%%'"
        )
        assert cursor.fetchone()[0] == 1
    assert CredentialEvent.objects.count() == 6


def test_events_outlive_what_they_name_without_database_constraints(world, make_org) -> None:
    """The event table has no foreign-key constraints (one less check per INSERT); Django
    still nulls the relations when the organisation they name is deleted."""
    viewer = make_org()
    event_record(kind="verify", organisation_id=world.org.pk, viewer_organisation_id=viewer.pk)
    event_record(kind="view", organisation_id=viewer.pk)
    viewer.delete()
    rows = sorted(
        CredentialEvent.objects.values_list("kind", "organisation_id", "viewer_organisation_id")
    )
    assert rows == [("verify", world.org.pk, None), ("view", None, None)]
    constraints = connection.introspection.get_constraints(
        connection.cursor(), CredentialEvent._meta.db_table
    )
    assert not [name for name, spec in constraints.items() if spec["foreign_key"]]
