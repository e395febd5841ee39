"""Edits of a rule tree, for a builder UI: add, remove, move, regroup — each returns a new tree.

A *path* is a tuple of child positions from the root. A ``Within`` around a group is the
group's time limit, not a level of its own: paths go straight through it.
"""

from __future__ import annotations

from microcred.errors import InvalidInput, Problem
from microcred.rules.conditions import (
    AllOf,
    AtLeast,
    Condition,
    CreditTarget,
    Group,
    Within,
)
from microcred.rules.serial import GROUP_NAMES

Path = tuple[int, ...]


def split(node: Condition) -> tuple[Condition, Within | None]:
    """``node`` without its time limit, and the time limit (a ``Within``) if it has one."""
    if isinstance(node, Within):
        return node.child, node
    return node, None


def children(node: Condition) -> tuple[Condition, ...]:
    inner, _ = split(node)
    return inner.children if isinstance(inner, Group) else ()


def node_at(rule: Condition, path: Path) -> Condition:
    node = rule
    for position in path:
        kids = children(node)
        if not 0 <= position < len(kids):
            raise _bad(path, "no condition at this place")
        node = kids[position]
    return node


def with_children(node: Condition, kids: tuple[Condition, ...]) -> Condition:
    """``node`` (a group, perhaps with a time limit) with ``kids`` instead of its children."""
    inner, limit = split(node)
    if isinstance(inner, AtLeast):
        group: Condition = AtLeast(max(1, min(inner.n, len(kids))), kids)
    elif isinstance(inner, CreditTarget):
        group = CreditTarget(inner.target, kids)
    elif isinstance(inner, Group):
        group = type(inner)(kids)
    else:
        raise InvalidInput("not a group", [Problem("path", "this condition has no children")])
    return Within(group, limit.days, limit.start, limit.end) if limit else group


def replace_at(rule: Condition, path: Path, new: Condition) -> Condition:
    if not path:
        return new
    parent = node_at(rule, path[:-1])
    kids = list(children(parent))
    kids[path[-1]] = new
    return replace_at(rule, path[:-1], with_children(parent, tuple(kids)))


def add(rule: Condition | None, path: Path, new: Condition) -> Condition:
    """Append ``new`` to the group at ``path`` (the first condition makes an "all of" group)."""
    if rule is None:
        return AllOf((new,))
    group = node_at(rule, path)
    if not isinstance(split(group)[0], Group):
        raise _bad(path, "conditions can only be added to a group")
    return replace_at(rule, path, with_children(group, (*children(group), new)))


def remove(rule: Condition, path: Path) -> Condition | None:
    """Remove the condition at ``path``; a group left empty goes too (``None``: nothing left)."""
    if not path:
        return None
    node_at(rule, path)
    parent = node_at(rule, path[:-1])
    kids = children(parent)
    rest = kids[: path[-1]] + kids[path[-1] + 1 :]
    if not rest:
        return remove(rule, path[:-1])
    return replace_at(rule, path[:-1], with_children(parent, rest))


def move(rule: Condition, path: Path, delta: int) -> Condition:
    """Move the condition at ``path`` ``delta`` places among its siblings (clamped)."""
    if not path:
        return rule
    node_at(rule, path)
    parent = node_at(rule, path[:-1])
    kids = list(children(parent))
    here = path[-1]
    there = max(0, min(len(kids) - 1, here + delta))
    kids.insert(there, kids.pop(here))
    return replace_at(rule, path[:-1], with_children(parent, tuple(kids)))


def regroup(
    rule: Condition,
    path: Path,
    kind: str,
    *,
    n: int | None = None,
    target: float | None = None,
    days: int | None = None,
) -> Condition:
    """Make the group at ``path`` a ``kind`` group (``at_least`` needs ``n``, ``credit_target``
    needs ``target``), with a time limit of ``days`` (``None``: no limit)."""
    kids = children(node_at(rule, path))
    if not kids:
        raise _bad(path, "only a group can be changed")
    group: Condition
    if kind == "at_least":
        if n is None or not 1 <= n <= len(kids):
            raise InvalidInput("invalid group", [Problem("n", f"choose from 1 to {len(kids)}")])
        group = AtLeast(n, kids)
    elif kind == "credit_target":
        if target is None or target <= 0:
            raise InvalidInput("invalid group", [Problem("target", "must be more than 0")])
        group = CreditTarget(target, kids)
    elif kind in GROUP_NAMES:
        group = GROUP_NAMES[kind](kids)
    else:
        raise InvalidInput("invalid group", [Problem("kind", f"unknown group kind {kind!r}")])
    if days is not None:
        if days < 1:
            raise InvalidInput("invalid group", [Problem("days", "must be at least 1")])
        group = Within(group, days)
    return replace_at(rule, path, group)


def wrap(rule: Condition, path: Path) -> Condition:
    """Put the condition at ``path`` into a new "all of" group of its own (to group it later)."""
    return replace_at(rule, path, AllOf((node_at(rule, path),)))


def _bad(path: Path, message: str) -> InvalidInput:
    return InvalidInput(
        "invalid edit", [Problem("path", f"{'.'.join(map(str, path)) or 'root'}: {message}")]
    )
