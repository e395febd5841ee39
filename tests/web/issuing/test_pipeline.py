"""The issuing pipeline: reserve status indexes → sign with no transaction open → insert.

Concurrency tests use real threads, each with its own database connection; they run on
PostgreSQL (SQLite serialises writers with BEGIN IMMEDIATE, so there is no race to lose).
"""

from __future__ import annotations

import contextlib
import threading
from collections.abc import Callable
from typing import Any

import pytest
from django.core.files.base import ContentFile
from django.db import connection, transaction
from django.utils import timezone

from microcred.status import BitstringStatusList
from microcred.verify import verify_credential
from microcred_web.issuing import services, status_lists
from microcred_web.issuing.models import Credential, StatusList
from microcred_web.issuing.services import RecipientInput

postgres_only = pytest.mark.skipif(
    connection.vendor != "postgresql", reason="a race between two database connections"
)


def issue(world, version, *recipients, **kwargs):
    return services.credentials_issue(
        organisation=world.org,
        achievement_version=version,
        recipients=list(recipients),
        actor=world.people["issuer"],
        source=kwargs.pop("source", "test"),
        **kwargs,
    )


def _bit(data: bytes, index: int) -> bool:
    return bool(data[index >> 3] & (1 << (index & 7)))


@pytest.mark.django_db(transaction=True)
def test_an_organisation_with_a_logo_issues_credentials_that_verify(
    world, version, resolver_for, png_bytes
):
    world.org.logo.save("logo.png", ContentFile(png_bytes))
    [credential] = issue(world, version, RecipientInput(email="a@acme.example"), deliver=False)
    document = credential.document
    assert document["issuer"]["image"]["type"] == "Image"
    assert document["issuer"]["image"]["id"].endswith("/logo")
    resolver = resolver_for(document)  # signs the status list now: verify after that
    report = verify_credential(document, now=timezone.now(), resolver=resolver)
    assert report.verdict == "valid", [c for c in report.checks if c.status != "pass"]


@pytest.mark.django_db(transaction=True)
def test_signing_runs_with_no_transaction_open(world, version, monkeypatch):
    real = services.eddsa_rdfc_2022.sign_many
    seen: list[tuple[bool, int]] = []

    def spy(documents: Any, *args: Any, **kwargs: Any) -> Any:
        seen.append((connection.in_atomic_block, len(documents)))
        return real(documents, *args, **kwargs)

    monkeypatch.setattr(services.eddsa_rdfc_2022, "sign_many", spy)
    issued = issue(world, version, *[RecipientInput(email=f"p{i}@acme.example") for i in range(3)])
    assert len(issued) == 3
    assert seen == [(False, 3)]  # the whole batch at once, outside any transaction


def test_indexes_reserved_by_a_failed_batch_are_never_handed_out_again(world, version, monkeypatch):
    def crashing(*args: Any, **kwargs: Any) -> Any:
        raise RuntimeError("crash while signing")

    monkeypatch.setattr(services.eddsa_rdfc_2022, "sign_many", crashing)
    with pytest.raises(RuntimeError):
        issue(world, version, *[RecipientInput(email=f"p{i}@acme.example") for i in range(5)])
    assert Credential.objects.count() == 0
    monkeypatch.undo()
    revocation = StatusList.objects.get(organisation=world.org, purpose="message")
    assert revocation.allocated_count == 5  # reserved and committed, never stored
    reserved = bytes(revocation.allocated)
    issued = issue(
        world,
        version,
        *[RecipientInput(email=f"q{i}@acme.example") for i in range(5)],
        deliver=False,
    )
    revocation.refresh_from_db()
    assert revocation.allocated_count == 10
    for credential in issued:
        assert not _bit(reserved, credential.revocation_status_index)
        assert _bit(bytes(revocation.allocated), credential.revocation_status_index)
        # the published list still has every bit clear: unused reservations are harmless
    bits = BitstringStatusList.decode(revocation.encoded_list)
    assert not bits.set_indices()


def test_a_full_list_moves_on_to_the_next_one(world, version, monkeypatch):
    original = status_lists._new_list

    def small(organisation: Any, purpose: str, number: int) -> StatusList:
        created = original(organisation, purpose, number)
        created.size = 8
        created.save(update_fields=["size"])
        return created

    monkeypatch.setattr(status_lists, "_new_list", small)
    issued = issue(
        world,
        version,
        *[RecipientInput(email=f"p{i}@acme.example") for i in range(20)],
        deliver=False,
    )
    numbers = sorted({c.revocation_list.number for c in issued})
    assert numbers == [1, 2, 3]
    pairs = {(c.revocation_list_id, c.revocation_status_index) for c in issued}
    assert len(pairs) == 20
    assert all(0 <= c.revocation_status_index < 8 for c in issued)


def _run_in_threads(count: int, target: Callable[[int], Any]) -> list[Any]:
    results: list[Any] = [None] * count
    errors: list[BaseException] = []

    def run(position: int) -> None:
        try:
            results[position] = target(position)
        except BaseException as exc:  # reported by the test
            errors.append(exc)
        finally:
            connection.close()

    threads = [threading.Thread(target=run, args=(i,)) for i in range(count)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    assert not errors, errors
    return results


class _Meet:
    """Lets two threads reach the same point before going on; gives up after ``timeout``
    (when the code under test rightly makes one wait for the other's lock)."""

    def __init__(self, parties: int, timeout: float) -> None:
        self.barrier = threading.Barrier(parties)
        self.timeout = timeout

    def __call__(self) -> None:
        with contextlib.suppress(threading.BrokenBarrierError):
            self.barrier.wait(timeout=self.timeout)


@postgres_only
@pytest.mark.django_db(transaction=True)
def test_two_first_batches_of_a_new_organisation_share_list_one(world, version, monkeypatch):
    meet = _Meet(2, timeout=2.0)
    original = status_lists._reserve_in

    def reserve_in(organisation: Any, purpose: str, count: int) -> Any:
        # Without the organisation lock both threads would get here, find no list, and
        # both create list #1 (IntegrityError on status_list_unique).
        meet()
        return original(organisation, purpose, count)

    monkeypatch.setattr(status_lists, "_reserve_in", reserve_in)

    def batch(position: int) -> int:
        return len(
            issue(
                world,
                version,
                *[RecipientInput(email=f"t{position}-{i}@acme.example") for i in range(10)],
                deliver=False,
            )
        )

    assert _run_in_threads(2, batch) == [10, 10]
    assert sorted(
        StatusList.objects.filter(organisation=world.org).values_list("purpose", "number")
    ) == [("message", 1)]
    issued = Credential.objects.filter(organisation=world.org)
    assert len({c.revocation_status_index for c in issued}) == 20


@postgres_only
@pytest.mark.django_db(transaction=True)
def test_two_processes_racing_on_the_same_rows_issue_each_row_once(world, version, monkeypatch):
    meet = _Meet(2, timeout=10.0)
    original = services.credentials_store

    def store(**kwargs: Any) -> Any:
        meet()  # both have checked the source keys and signed: both try to insert
        return original(**kwargs)

    monkeypatch.setattr(services, "credentials_store", store)
    rows = [RecipientInput(email=f"p{i}@acme.example", source_key=f"job:{i}") for i in range(6)]

    def batch(_position: int) -> list[str]:
        return [c.source_key or "" for c in issue(world, version, *rows, deliver=False)]

    first, second = _run_in_threads(2, batch)
    assert sorted(first + second) == sorted(f"job:{i}" for i in range(6))
    assert Credential.objects.filter(organisation=world.org).count() == 6


def test_small_delivered_batches_have_their_downloads_rendered_ahead(
    world, version, monkeypatch, django_capture_on_commit_callbacks
):
    queued: list[str] = []

    class FakeTask:
        @staticmethod
        def enqueue(*, public_id: str) -> None:
            queued.append(public_id)

    monkeypatch.setattr(services, "import_string", lambda path: FakeTask)
    with django_capture_on_commit_callbacks(execute=True):
        issued = issue(world, version, RecipientInput(email="a@acme.example"))
    assert queued == [str(issued[0].public_id)]
    queued.clear()
    with django_capture_on_commit_callbacks(execute=True):
        issue(world, version, RecipientInput(email="b@acme.example"), deliver=False)
        issue(
            world,
            version,
            *[RecipientInput(email=f"p{i}@acme.example") for i in range(51)],
        )
    assert queued == []


def test_rows_are_stored_with_every_column(world, version):
    with transaction.atomic():
        [credential] = issue(
            world,
            version,
            RecipientInput(email="A@acme.example", name="Ann", source_key="k1"),
        )
    stored = Credential.objects.get(pk=credential.pk)
    assert stored.recipient_email == "a@acme.example"
    assert stored.recipient_name == "Ann"
    assert stored.source_key == "k1"
    assert stored.issued_by == world.people["issuer"]
    assert stored.issuer_key is not None
    assert stored.delivery_status == "queued" and len(stored.claim_token_hash) == 64
    assert stored.revoked_at is None and stored.revocation_reason == ""
    assert stored.document["id"].endswith(f"/{stored.public_id}")
    assert stored.issued_at == credential.issued_at


def test_a_batch_the_signer_refuses_names_the_recipient_at_fault(world, version, monkeypatch):
    from microcred.errors import SigningError
    from microcred_web.common.errors import ApplicationError

    real = services.eddsa_rdfc_2022.sign

    def refuse_second(document: Any, *args: Any, **kwargs: Any) -> Any:
        if document["credentialSubject"]["identifier"][0]["salt"] == salts[1]:
            raise SigningError("refused")
        return real(document, *args, **kwargs)

    def refuse_batch(documents: Any, *args: Any, **kwargs: Any) -> Any:
        salts.extend(d["credentialSubject"]["identifier"][0]["salt"] for d in documents)
        raise SigningError("refused")

    salts: list[str] = []
    monkeypatch.setattr(services.eddsa_rdfc_2022, "sign_many", refuse_batch)
    monkeypatch.setattr(services.eddsa_rdfc_2022, "sign", refuse_second)
    with pytest.raises(ApplicationError) as caught:
        issue(world, version, *[RecipientInput(email=f"p{i}@acme.example") for i in range(3)])
    assert caught.value.code == "signing_failed"
    assert caught.value.message.startswith("recipients[1]:")
    assert Credential.objects.count() == 0


def test_reservation_draws_distinct_free_indexes_below_the_size():
    size = 1000  # not a power of two: draws at or above the size are thrown away
    bits = bytearray((size + 7) // 8)
    taken = {3, 500, 999}
    for index in taken:
        bits[index >> 3] |= 1 << (index & 7)
    chosen = status_lists._draw_free(bits, size, 900)
    assert len(chosen) == len(set(chosen)) == 900
    assert all(0 <= index < size for index in chosen)
    assert not taken & set(chosen)
    assert all(_bit(bytes(bits), index) for index in chosen)
    assert sum(bin(byte).count("1") for byte in bits) == 903


def test_reservation_finds_the_last_free_indexes():
    size = 64
    bits = bytearray(b"\xff" * 8)
    for index in (5, 40, 63):
        bits[index >> 3] &= ~(1 << (index & 7))
    assert sorted(status_lists._draw_free(bits, size, 3)) == [5, 40, 63]
    assert bits == bytearray(b"\xff" * 8)


def test_reservations_are_spread_over_the_whole_list():
    bits = bytearray(131_072 // 8)
    chosen = status_lists._draw_free(bits, 131_072, 2000)
    # random, not in issue order: every eighth of the list gets a share
    eighths = {index * 8 // 131_072 for index in chosen}
    assert eighths == set(range(8))
    assert chosen != sorted(chosen)


def test_public_ids_are_version_7_and_sorted_by_issue_time(world, version):
    first = issue(world, version, RecipientInput(email="a@acme.example"), deliver=False)
    time_ms = first[0].public_id.int >> 80
    later = issue(
        world,
        version,
        *[RecipientInput(email=f"b{i}@acme.example") for i in range(3)],
        deliver=False,
    )
    ids = [c.public_id for c in first + later]
    assert {i.version for i in ids} == {7}
    assert abs(time_ms - timezone.now().timestamp() * 1000) < 60_000
    assert all((c.public_id.int >> 80) >= time_ms for c in later)
    assert len(set(ids)) == 4


def test_claim_links_are_found_through_the_partial_index(world, version):
    from microcred_web.issuing.selectors import credential_by_claim_token

    captured: list[tuple[int, str]] = []
    with transaction.atomic():
        batch = services.credentials_prepare(
            organisation=world.org,
            achievement_version=version,
            recipients=[RecipientInput(email="c@acme.example")],
            actor=None,
            source="test",
        )
        [stored] = services.credentials_store(batch=batch)
        captured.append((stored.pk or 0, stored.claim_token or ""))
    pk, token = captured[0]
    found = credential_by_claim_token(token=token)
    assert found is not None and found.pk == pk
    assert credential_by_claim_token(token="not-a-token") is None
