"""Bad input never costs a 500: a bounded Hypothesis search over the verification and issuing
entry points (``/verify/api`` through the ordinary and the lean route, ``/verify/`` as a form
and as a multipart upload, ``POST /credentials/verify``, ``POST /credentials/issue``,
``POST /api/v1/orgs/<slug>/credentials`` and wallet import). Every answer must be below 500.

The inputs: raw bytes, JSON with unpaired surrogates (escaped and as the bytes ``ED A0 80``),
a real credential (or issue request) with any one field replaced by a value of another JSON
type, huge and deeply nested values, and multipart parts in other or unknown charsets.
``MICROCRED_FUZZ_EXAMPLES`` (default 300) bounds the examples per entry point; CI runs the
same examples every time, ``MICROCRED_FUZZ_RANDOM=1`` explores new ones.
"""

from __future__ import annotations

import base64
import json
import os
from collections.abc import Callable, Iterator
from typing import Any

import pytest
from django.core import signals
from django.core.handlers.wsgi import WSGIHandler
from django.db import close_old_connections
from django.test import Client, RequestFactory
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from microcred_web.achievements import services as achievement_services
from microcred_web.common.lean import lean_routes
from microcred_web.issuing import services
from microcred_web.issuing.services import RecipientInput
from microcred_web.verifier import verification

EXAMPLES = int(os.environ.get("MICROCRED_FUZZ_EXAMPLES", "300"))
FUZZ = settings(
    max_examples=EXAMPLES,
    deadline=None,
    derandomize=not os.environ.get("MICROCRED_FUZZ_RANDOM"),
    suppress_health_check=[
        HealthCheck.function_scoped_fixture,
        HealthCheck.too_slow,
        HealthCheck.data_too_large,
    ],
)
SURROGATES = ("\ud800", "\udbff", "\udc00", "\udfff", "\ud83d")

# --------------------------------------------------------------------------- strategies

texts = st.one_of(
    st.text(max_size=30),
    st.builds(
        lambda a, s, b: a + s + b,
        st.text(max_size=5),
        st.sampled_from(SURROGATES),
        st.text(max_size=5),
    ),
)
scalars = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(min_value=-(2**70), max_value=2**70),
    st.floats(allow_nan=False, allow_infinity=False),
    texts,
)


#: huge and deep values, as JSON text spliced in where a marker string stands
BIG = (
    json.dumps("x" * 300_000),
    json.dumps(["y"] * 50_000),
    json.dumps({f"k{i}": i for i in range(20_000)}),
    "[" * 5_000 + "]" * 5_000,
    '{"a":' * 3_000 + "1" + "}" * 3_000,
    "1" + "0" * 400,
    json.dumps("🎓" * 20_000, ensure_ascii=False),
)
json_values = st.recursive(
    scalars,
    lambda children: st.one_of(
        st.lists(children, max_size=4), st.dictionaries(texts, children, max_size=4)
    ),
    max_leaves=12,
) | st.integers(min_value=0, max_value=len(BIG) - 1).map(lambda i: f"\x00BIG{i}\x00")


def _paths(value: Any, prefix: tuple[Any, ...] = ()) -> Iterator[tuple[Any, ...]]:
    """Every path to a member or element of ``value``."""
    if isinstance(value, dict):
        for key, child in value.items():
            yield (*prefix, key)
            yield from _paths(child, (*prefix, key))
    elif isinstance(value, list):
        for index, child in enumerate(value):
            yield (*prefix, index)
            yield from _paths(child, (*prefix, index))


def _replaced(document: Any, path: tuple[Any, ...], value: Any) -> Any:
    copy = json.loads(json.dumps(document))
    target = copy
    for step in path[:-1]:
        target = target[step]
    target[path[-1]] = value
    return copy


def mutations(document: dict[str, Any]) -> st.SearchStrategy[Any]:
    """``document`` with one member replaced by any JSON value (or removed)."""
    paths = sorted(_paths(document), key=repr)

    def apply(path: tuple[Any, ...], value: Any, drop: bool) -> Any:
        if drop and isinstance(path[-1], str):
            copy = _replaced(document, path, None)
            target = copy
            for step in path[:-1]:
                target = target[step]
            del target[path[-1]]
            return copy
        return _replaced(document, path, value)

    return st.builds(apply, st.sampled_from(paths), json_values, st.booleans())


def _encode(value: Any, ascii_only: bool) -> bytes:
    text = json.dumps(value, ensure_ascii=ascii_only)
    for index, big in enumerate(BIG):
        text = text.replace(json.dumps(f"\x00BIG{index}\x00"), big)
    return text.encode("utf-8", "surrogatepass")  # a lone surrogate becomes ED A0 80 etc.


def bodies(document: dict[str, Any]) -> st.SearchStrategy[bytes]:
    """Request bodies around ``document``: mutated JSON, spliced raw bytes, any bytes."""
    encoded = st.builds(_encode, mutations(document) | json_values, st.booleans())
    raw = _encode(document, False)
    spliced = st.builds(
        lambda at, junk: raw[: at % (len(raw) + 1)] + junk + raw[at % (len(raw) + 1) :],
        st.integers(min_value=0),
        st.binary(min_size=1, max_size=8)
        | st.sampled_from([b"\xed\xa0\x80", b"\xff", b"\xc0\xaf"]),
    )
    return st.one_of(encoded, spliced, st.binary(max_size=200))


CHARSETS = ("utf-8", "latin-1", "utf-16", "nope", "utf-7", "ascii", "")


def multipart(field: str, filename: str | None, content: bytes, charset: str) -> bytes:
    disposition = f'form-data; name="{field}"'.encode()
    if filename is not None:
        disposition += b'; filename="' + filename.encode("utf-8", "surrogatepass") + b'"'
    part_type = b"Content-Type: application/json"
    if charset:
        part_type += b"; charset=" + charset.encode()
    return (
        b"--BOUNDARY\r\nContent-Disposition: "
        + disposition
        + b"\r\n"
        + part_type
        + b"\r\n\r\n"
        + content
        + b"\r\n--BOUNDARY--\r\n"
    )


MULTIPART = "multipart/form-data; boundary=BOUNDARY"

# --------------------------------------------------------------------------- fixtures


@pytest.fixture
def version(world):
    achievement = achievement_services.achievement_create(
        organisation=world.org,
        actor=world.people["admin"],
        values={
            "name": "Fuzzing",
            "description": "Survives bad input.",
            "criteria": "Sent garbage.",
            "achievement_type": "Badge",
            "learning_outcomes": "Stays up",
            "eqf_level": 4,
        },
    )
    return achievement_services.achievement_publish(
        achievement=achievement, actor=world.people["admin"]
    )


@pytest.fixture
def signed(world, version) -> dict[str, Any]:
    [credential] = services.credentials_issue(
        organisation=world.org,
        achievement_version=version,
        recipients=[RecipientInput(email="fuzz@acme.example", name="Fuzz")],
        actor=world.people["issuer"],
        source="test",
        deliver=False,
    )
    return json.loads(credential.signed_json)


@pytest.fixture
def bearer(world) -> dict[str, str]:
    _key, secret = services.api_key_create(
        organisation=world.org, actor=world.people["admin"], name="fuzz"
    )
    return {"HTTP_AUTHORIZATION": f"Bearer {secret}"}


@pytest.fixture(autouse=True)
def _generous(settings) -> None:
    settings.MICROCRED_VERIFY_RATE = 1_000_000.0
    settings.MICROCRED_VERIFY_BURST = 1_000_000.0
    verification.caches_clear()


@pytest.fixture
def client() -> Client:
    # an unexpected exception fails the test with its traceback (Hypothesis shrinks it)
    return Client(raise_request_exception=True)


def _ok(response: Any) -> None:
    assert response.status_code < 500, response.content[:300]


# --------------------------------------------------------------------------- entry points


@pytest.mark.django_db
def test_verify_api_json(client, signed) -> None:
    @FUZZ
    @given(body=bodies(signed))
    def run(body: bytes) -> None:
        _ok(client.generic("POST", "/verify/api", body, content_type="application/json"))

    run()


@pytest.fixture
def lean_app() -> Iterator[Callable[[bytes], int]]:
    for signal in (signals.request_started, signals.request_finished):
        signal.disconnect(close_old_connections)
    app = lean_routes(WSGIHandler())

    def status_of(body: bytes) -> int:
        environ = RequestFactory().generic(
            "POST", "/verify/api", body, content_type="application/json", HTTP_HOST="testserver"
        )
        answer: list[int] = []
        chunks = app(
            environ.environ, lambda status, headers, exc_info=None: answer.append(int(status[:3]))
        )
        b"".join(chunks)
        if hasattr(chunks, "close"):
            chunks.close()
        return answer[0]

    try:
        yield status_of
    finally:
        for signal in (signals.request_started, signals.request_finished):
            signal.connect(close_old_connections)


@pytest.mark.django_db
def test_verify_api_lean_route(lean_app, signed) -> None:
    @FUZZ
    @given(body=bodies(signed))
    def run(body: bytes) -> None:
        assert lean_app(body) < 500

    run()


@pytest.mark.django_db
def test_verify_page_form_and_upload(client, signed) -> None:
    raw = json.dumps(signed).encode()

    @FUZZ
    @given(
        content=bodies(signed) | st.just(raw),
        field=st.sampled_from(["credential", "file", "url"]),
        filename=st.none() | st.sampled_from(["c.json", "\udcff.json", "ü.png", ""]),
        charset=st.sampled_from(CHARSETS),
        path=st.sampled_from(["/verify/", "/verify/api"]),
        htmx=st.booleans(),
    )
    def run(
        content: bytes, field: str, filename: str | None, charset: str, path: str, htmx: bool
    ) -> None:
        extra = {"HTTP_HX_REQUEST": "true"} if htmx else {}
        body = multipart(field, filename, content, charset)
        _ok(client.generic("POST", path, body, content_type=MULTIPART, **extra))
        form = b"credential=" + content.replace(b"&", b"%26")
        _ok(client.generic("POST", "/verify/", form, "application/x-www-form-urlencoded", **extra))

    run()


@pytest.mark.django_db
def test_vc_api_verify(client, signed, bearer) -> None:
    @FUZZ
    @given(body=bodies({"verifiableCredential": signed, "options": {}}))
    def run(body: bytes) -> None:
        _ok(client.generic("POST", "/credentials/verify", body, "application/json", **bearer))

    run()


@pytest.mark.django_db
def test_vc_api_issue(client, version, bearer) -> None:
    request = {
        "credential": {
            "@context": [
                "https://www.w3.org/ns/credentials/v2",
                "https://purl.imsglobal.org/spec/ob/v3p0/context-3.0.3.json",
            ],
            "type": ["VerifiableCredential", "OpenBadgeCredential"],
            "credentialSubject": {
                "type": ["AchievementSubject"],
                "id": "did:key:z6MkhaXgBZDvotDkL5257faiztiGiC2QtKLGpbnnEGta2doK",
                "identifier": [
                    {
                        "type": "IdentityObject",
                        "identityType": "emailAddress",
                        "hashed": False,
                        "identityHash": "fuzz@acme.example",
                    }
                ],
                "achievement": {"id": version.achievement_json["id"]},
                "result": [{"type": ["Result"], "value": "A"}],
            },
            "evidence": [{"type": ["Evidence"], "narrative": "Did it."}],
        },
        "options": {"sourceKey": "fuzz-1", "recipientName": "Fuzz"},
    }

    @FUZZ
    @given(body=bodies(request))
    def run(body: bytes) -> None:
        _ok(client.generic("POST", "/credentials/issue", body, "application/json", **bearer))

    run()


@pytest.mark.django_db
def test_api_v1_issue(client, version, bearer) -> None:
    request = {
        "achievement_id": version.achievement_id,
        "recipients": [
            {
                "email": "fuzz@acme.example",
                "name": "Fuzz",
                "source_key": "fuzz-v1",
                "evidence": [{"id": "https://lms.example/e/1", "narrative": "Seen."}],
                "result": [{"value": "A"}],
            }
        ],
        "deliver": False,
    }

    @FUZZ
    @given(body=bodies(request))
    def run(body: bytes) -> None:
        url = "/api/v1/orgs/acme/credentials"
        _ok(client.generic("POST", url, body, "application/json", **bearer))

    run()


@pytest.mark.django_db
def test_wallet_import(client, world, signed) -> None:
    client.force_login(world.people["learner"])

    @FUZZ
    @given(
        content=bodies(signed),
        filename=st.sampled_from(["c.json", "c.jwt", "\udcff.json", "c.png", "c.svg"]),
        charset=st.sampled_from(CHARSETS),
    )
    def run(content: bytes, filename: str, charset: str) -> None:
        body = multipart("file", filename, content, charset)
        _ok(client.generic("POST", "/wallet/import/", body, content_type=MULTIPART))

    run()


def test_the_known_crashers_are_refused_as_bad_input(client, db, signed, bearer, version) -> None:
    """The cases that answered 500 before, one by one."""
    surrogate_bytes = b'{"name": "\xed\xa0\x80"}'
    for body in (surrogate_bytes, b'{"jwt": "\\ud800"}', b'{"url": "https://\\ud800.example"}'):
        response = client.generic("POST", "/verify/api", body, "application/json")
        assert response.status_code == 400, body
        assert response.json()["error"]["code"] in {"invalid_json", "url_invalid"}
    escaped = b'{"@context": ["\\ud800"], "type": "VerifiableCredential"}'
    pasted = client.generic(
        "POST", "/verify/", multipart("credential", None, escaped, ""), MULTIPART
    )
    assert pasted.status_code == 400 and "Unicode" in pasted.content.decode()
    header = base64.urlsafe_b64encode(b'{"alg": "EdDSA"}').rstrip(b"=")
    claims = b'{"vc": {"type": ["VerifiableCredential"], "name": "\\ud800", "id": "\\udfff"}}'
    token = header + b"." + base64.urlsafe_b64encode(claims).rstrip(b"=") + b".c2ln"
    answer = client.post("/verify/api", {"jwt": token.decode()}, "application/json")
    assert answer.status_code == 200, answer.content
    refused = answer.json()  # lone surrogates in signed claims: not a readable credential (0018)
    assert refused["credential"] is None and refused["verdict"] == "not-a-credential", refused
    assert any("surrogate" in check["detail"] for check in refused["checks"]), refused
    page = client.generic(
        "POST", "/verify/", multipart("file", "c.json", surrogate_bytes, ""), MULTIPART
    )
    assert page.status_code == 400
    request = {
        "credential": {
            "@context": ["https://www.w3.org/ns/credentials/v2"],
            "type": ["VerifiableCredential", {"OpenBadgeCredential": 1}],
            "credentialSubject": {
                "id": "did:key:z6MkhaXgBZDvotDkL5257faiztiGiC2QtKLGpbnnEGta2doK",
                "achievement": {"id": version.achievement_json["id"]},
            },
        },
        "options": {},
    }
    issued = client.post("/credentials/issue", request, "application/json", **bearer)
    assert issued.status_code == 422, issued.content
    request["credential"]["type"] = ["VerifiableCredential", "OpenBadgeCredential"]
    request["options"] = {"sourceKey": "\ud800"}
    body = json.dumps(request).encode()  # ASCII: the surrogate as the escape \ud800
    refused = client.generic("POST", "/credentials/issue", body, "application/json", **bearer)
    # the strict JSON reader refuses the body, naming the field (decision 0018)
    assert refused.status_code == 400, refused.content
    assert "$.options.sourceKey" in refused.json()["errors"][0]
