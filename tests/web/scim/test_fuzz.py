"""Bad input never costs a 500: a bounded Hypothesis search over SCIM bodies, PATCH operations
and filters. Every answer is below 500, and every 4xx is a SCIM error body."""

from __future__ import annotations

import json
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from tests.web.scim.scim_client import ENTERPRISE, PATCH, user_body

pytestmark = pytest.mark.django_db

FUZZ = settings(
    max_examples=120,
    deadline=None,
    derandomize=True,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
NAMES = st.sampled_from(
    [
        "userName",
        "emails",
        "name",
        "active",
        "displayName",
        "externalId",
        "members",
        "id",
        "meta",
        "schemas",
        ENTERPRISE,
        "title",
        "name.givenName",
        "emails.value",
        "",
    ]
)
JSON = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False) | st.text(max_size=20),
    lambda inner: (
        st.lists(inner, max_size=3)
        | st.dictionaries(NAMES | st.text(max_size=5), inner, max_size=3)
    ),
    max_leaves=10,
)
PATHS = st.one_of(
    NAMES,
    st.text(max_size=30),
    st.builds(lambda n, f: f"{n}[{f}]", NAMES, st.text(max_size=15)),
    st.just('emails[type eq "work"].value'),
    st.just(f"{ENTERPRISE}:manager"),
)
OPERATIONS = st.fixed_dictionaries(
    {"op": st.sampled_from(["add", "replace", "remove", "Add", "bad"])},
    optional={"path": PATHS | JSON, "value": JSON},
)
FILTER_PARTS = st.sampled_from(
    [
        "userName",
        "emails",
        "emails.value",
        "active",
        "meta.created",
        "id",
        "manager.value",
        "eq",
        "ne",
        "co",
        "sw",
        "gt",
        "pr",
        "and",
        "or",
        "not",
        "(",
        ")",
        "[",
        "]",
        '"x"',
        '"2020-13-45T99:00:00"',
        "true",
        "1",
        "null",
        'emails[type eq "work"]',
    ]
)


def _check(answer: Any) -> None:
    assert answer.status < 500, answer.body
    if answer.status >= 400:
        assert answer.body["schemas"] == ["urn:ietf:params:scim:api:messages:2.0:Error"]


@FUZZ
@given(
    body=st.one_of(
        JSON,
        st.builds(
            lambda extra: {**user_body("f@acme.example"), **extra},
            st.dictionaries(NAMES, JSON, max_size=3),
        ),
    )
)
def test_user_bodies(scim, body) -> None:
    _check(scim.post("Users", body))


@FUZZ
@given(operations=st.lists(OPERATIONS, min_size=1, max_size=3))
def test_patch_operations(scim, operations) -> None:
    found = scim.get("Users", filter='userName eq "p@acme.example"').body["Resources"]
    person = found[0] if found else scim.post("Users", user_body("p@acme.example")).body
    _check(
        scim.call("PATCH", f"Users/{person['id']}", {"schemas": [PATCH], "Operations": operations})
    )
    group = scim.get("Groups").body["Resources"]
    if not group:
        group = [
            scim.post(
                "Groups",
                {"schemas": ["urn:ietf:params:scim:schemas:core:2.0:Group"], "displayName": "G"},
            ).body
        ]
    _check(
        scim.call(
            "PATCH", f"Groups/{group[0]['id']}", {"schemas": [PATCH], "Operations": operations}
        )
    )


@FUZZ
@given(
    parts=st.lists(FILTER_PARTS, min_size=1, max_size=8), kind=st.sampled_from(["Users", "Groups"])
)
def test_filters(scim, parts, kind) -> None:
    _check(scim.get(kind, filter=" ".join(parts)))


@FUZZ
@given(raw=st.binary(max_size=60) | st.just(b"[" * 5000) | st.just(b'{"userName": "\\u0000"}'))
def test_raw_bytes(scim, raw) -> None:
    _check(scim.call("POST", "Users", raw))


@pytest.mark.parametrize(
    "change",
    [
        {"userName": "nul\x00@acme.example"},
        {"externalId": "x" * 255},
        {"externalId": "a\x00"},
        {"displayName": "d" * 151},
    ],
)
def test_nul_characters_and_long_values_are_refused(scim, change) -> None:
    answer = scim.post("Users", {**user_body("n@acme.example"), **change})
    assert (answer.status, answer.scim_type) == (400, "invalidValue")
    assert json.dumps(answer.body)
