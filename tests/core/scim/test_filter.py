"""The SCIM filter language: a table of RFC 7644 §3.4.2.2 examples, errors, and Hypothesis
properties (render∘parse is the identity; matching follows the boolean operators)."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from microcred.scim.filter import (
    And,
    AttrPath,
    Compare,
    FilterError,
    Not,
    Or,
    PatchPath,
    ValuePath,
    filter_match,
    filter_parse,
    filter_render,
    patch_path_parse,
)

ENTERPRISE = "urn:ietf:params:scim:schemas:extension:enterprise:2.0:User"


def cmp(name: str, op: str, value: object = None, sub: str | None = None) -> Compare:
    return Compare(AttrPath(name, sub), op, value)


RFC_EXAMPLES = [
    ('userName Eq "john"', cmp("userName", "eq", "john")),
    ('name.familyName co "O\'Malley"', cmp("name", "co", "O'Malley", "familyName")),
    ('userName sw "J"', cmp("userName", "sw", "J")),
    ("title pr", cmp("title", "pr")),
    (
        'meta.lastModified gt "2011-05-13T04:42:34Z"',
        cmp("meta", "gt", "2011-05-13T04:42:34Z", "lastModified"),
    ),
    (
        'title pr and userType eq "Employee"',
        And(cmp("title", "pr"), cmp("userType", "eq", "Employee")),
    ),
    (
        'title pr or userType eq "Intern"',
        Or(cmp("title", "pr"), cmp("userType", "eq", "Intern")),
    ),
    (
        'userType eq "Employee" and (emails co "example.com" or emails.value co "example.org")',
        And(
            cmp("userType", "eq", "Employee"),
            Or(cmp("emails", "co", "example.com"), cmp("emails", "co", "example.org", "value")),
        ),
    ),
    (
        'userType ne "Employee" and not (emails co "example.com")',
        And(cmp("userType", "ne", "Employee"), Not(cmp("emails", "co", "example.com"))),
    ),
    (
        'emails[type eq "work" and value co "@example.com"]',
        ValuePath(
            AttrPath("emails"),
            And(cmp("type", "eq", "work"), cmp("value", "co", "@example.com")),
        ),
    ),
    (
        f'{ENTERPRISE}:employeeNumber eq "701984"',
        Compare(AttrPath("employeeNumber", None, ENTERPRISE), "eq", "701984"),
    ),
    ("active eq false", cmp("active", "eq", False)),
    (
        "a eq 1 or b eq 2 and c eq 3",
        Or(cmp("a", "eq", 1), And(cmp("b", "eq", 2), cmp("c", "eq", 3))),
    ),
    ('x eq "say \\"hi\\""', cmp("x", "eq", 'say "hi"')),
    ("x eq null", cmp("x", "eq", None)),
]


@pytest.mark.parametrize(("text", "tree"), RFC_EXAMPLES)
def test_rfc_examples_parse(text: str, tree: object) -> None:
    assert filter_parse(text) == tree
    assert filter_parse(filter_render(filter_parse(text))) == tree


@pytest.mark.parametrize(
    "text",
    [
        "",
        "   ",
        'userName eq "unterminated',
        "userName eq",
        'userName equals "x"',
        'userName eq "a" and',
        'userName eq "a" "b"',
        '(userName eq "a"',
        'userName eq "a")',
        'emails[type eq "work"',
        'emails.value[type eq "work"]',
        "userName eq bare",
        "1abc eq 1",
        "userName eq 01",
        "not userName pr",
        'userName eq "a" & x pr',
        "(" * 40 + "a pr" + ")" * 40,
        "a pr or " * 400 + "a pr",
    ],
)
def test_bad_filters_raise_filter_error(text: str) -> None:
    with pytest.raises(FilterError):
        filter_parse(text)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("displayName", PatchPath(AttrPath("displayName"))),
        ("name.givenName", PatchPath(AttrPath("name", "givenName"))),
        (
            'emails[type eq "work"].value',
            PatchPath(AttrPath("emails"), cmp("type", "eq", "work"), "value"),
        ),
        (
            'members[value eq "2819c223"]',
            PatchPath(AttrPath("members"), cmp("value", "eq", "2819c223")),
        ),
        (f"{ENTERPRISE}:manager", PatchPath(AttrPath("manager", None, ENTERPRISE))),
    ],
)
def test_patch_paths(text: str, expected: PatchPath) -> None:
    assert patch_path_parse(text) == expected


@pytest.mark.parametrize(
    "text", ['emails[type eq "work"', 'emails[type eq "work"]value', "a..b", ""]
)
def test_bad_patch_paths(text: str) -> None:
    with pytest.raises(FilterError):
        patch_path_parse(text)


def test_matching_a_json_object() -> None:
    person = {
        "userName": "Ana",
        "active": True,
        "emails": [
            {"value": "ana@work.example", "type": "work"},
            {"value": "ana@home.example", "type": "home"},
        ],
    }
    assert filter_match(filter_parse('username eq "ana"'), person)  # names and values fold
    assert filter_match(filter_parse('emails co "home"'), person)
    assert filter_match(filter_parse('emails[type eq "work" and value sw "ana@w"]'), person)
    assert not filter_match(filter_parse('emails[type eq "home" and value co "work"]'), person)
    assert filter_match(filter_parse("not (active eq false) and title pr or userName pr"), person)
    assert not filter_match(filter_parse("title pr"), person)


# --------------------------------------------------------------------------- properties

NAMES = st.from_regex(r"[A-Za-z][A-Za-z0-9_]{0,8}", fullmatch=True).filter(
    lambda n: n.lower() not in {"and", "or", "not", "pr", "eq", "true", "false", "null"}
)
VALUES = st.one_of(
    st.text(max_size=12),
    st.integers(-(10**6), 10**6),
    st.booleans(),
    st.none(),
)
ATTRS = st.builds(AttrPath, NAMES, st.none() | NAMES, st.none() | st.just(ENTERPRISE))
COMPARES = st.one_of(
    st.builds(
        Compare,
        ATTRS,
        st.sampled_from(["eq", "ne", "co", "sw", "ew", "gt", "ge", "lt", "le"]),
        VALUES,
    ),
    st.builds(lambda a: Compare(a, "pr"), ATTRS),
)
SIMPLE = st.one_of(
    COMPARES,
    st.builds(ValuePath, st.builds(AttrPath, NAMES), COMPARES),
)
FILTERS = st.recursive(
    SIMPLE,
    lambda inner: st.one_of(
        st.builds(And, inner, inner), st.builds(Or, inner, inner), st.builds(Not, inner)
    ),
    max_leaves=12,
)


@settings(max_examples=300, deadline=None)
@given(FILTERS)
def test_render_then_parse_gives_the_same_tree(tree: object) -> None:
    assert filter_parse(filter_render(tree)) == tree  # type: ignore[arg-type]


OBJECTS = st.dictionaries(
    st.sampled_from(["a", "b", "c"]), st.one_of(st.text(max_size=3), st.booleans()), max_size=3
)
LEAVES = st.builds(
    Compare,
    st.builds(AttrPath, st.sampled_from(["a", "b", "c"])),
    st.sampled_from(["eq", "co", "sw", "pr"]),
    st.text(max_size=2),
)
BOOLEAN_TREES = st.recursive(
    LEAVES,
    lambda inner: st.one_of(
        st.builds(And, inner, inner), st.builds(Or, inner, inner), st.builds(Not, inner)
    ),
    max_leaves=8,
)


@settings(max_examples=300, deadline=None)
@given(BOOLEAN_TREES, OBJECTS)
def test_matching_follows_the_boolean_operators(tree: object, obj: dict) -> None:
    result = filter_match(tree, obj)  # type: ignore[arg-type]
    if isinstance(tree, And):
        assert result == (filter_match(tree.left, obj) and filter_match(tree.right, obj))
    elif isinstance(tree, Or):
        assert result == (filter_match(tree.left, obj) or filter_match(tree.right, obj))
    elif isinstance(tree, Not):
        assert result == (not filter_match(tree.inner, obj))
    # and a filter parsed from its own rendering matches exactly the same objects
    assert filter_match(filter_parse(filter_render(tree)), obj) == result  # type: ignore[arg-type]
