"""Read a 1EdTech CASE 1.1 package (JSON): CFDocument, CFItems, CFAssociations.

Only what a skills framework needs is kept: the document, each item's statement and coding,
and the ``isChildOf`` hierarchy (other association types are kept as they are, for crosswalks).
Anything malformed is refused with every problem named by its JSON path.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import dataclass, replace
from typing import Any

from microcred.errors import InvalidInput, Problem

MAX_ITEMS = 200_000
CHILD_OF = "isChildOf"


@dataclass(frozen=True, slots=True)
class CaseDocument:
    identifier: str
    uri: str
    title: str
    creator: str
    version: str = ""
    language: str = ""
    description: str = ""
    last_change: str = ""


@dataclass(frozen=True, slots=True)
class CaseItem:
    identifier: str
    uri: str
    full_statement: str
    human_coding: str = ""
    abbreviated_statement: str = ""
    item_type: str = ""
    keywords: tuple[str, ...] = ()
    parent: str = ""  # identifier of the parent item, "" at the top (child of the document)
    last_change: str = ""

    @property
    def label(self) -> str:
        return self.abbreviated_statement or self.full_statement


@dataclass(frozen=True, slots=True)
class CaseAssociation:
    identifier: str
    association_type: str
    origin: str  # identifiers
    destination: str
    destination_uri: str = ""
    sequence: int | None = None


@dataclass(frozen=True, slots=True)
class CasePackage:
    document: CaseDocument
    items: tuple[CaseItem, ...]
    associations: tuple[CaseAssociation, ...]

    def item(self, identifier: str) -> CaseItem | None:
        for item in self.items:
            if item.identifier == identifier:
                return item
        return None


class _Reader:
    def __init__(self) -> None:
        self.problems: list[Problem] = []

    def text(self, data: Mapping[str, Any], name: str, path: str, required: bool = False) -> str:
        value = data.get(name)
        if value is None or value == "":
            if required:
                self.problems.append(Problem(f"{path}.{name}", "is required"))
            return ""
        if not isinstance(value, str):
            self.problems.append(Problem(f"{path}.{name}", "must be text"))
            return ""
        return value.strip()

    def obj(self, data: Mapping[str, Any], name: str, path: str) -> Mapping[str, Any]:
        value = data.get(name)
        if not isinstance(value, Mapping):
            self.problems.append(
                Problem(f"{path}.{name}", "is required" if value is None else "must be an object")
            )
            return {}
        return value

    def array(self, data: Mapping[str, Any], name: str, path: str) -> list[Any]:
        value = data.get(name, [])
        if not isinstance(value, list):
            self.problems.append(Problem(f"{path}.{name}", "must be an array"))
            return []
        if len(value) > MAX_ITEMS:
            self.problems.append(Problem(f"{path}.{name}", f"more than {MAX_ITEMS} entries"))
            return []
        return value


def _document(reader: _Reader, data: Mapping[str, Any]) -> CaseDocument:
    path = "$.CFDocument"
    return CaseDocument(
        identifier=reader.text(data, "identifier", path, required=True),
        uri=reader.text(data, "uri", path, required=True),
        title=reader.text(data, "title", path, required=True),
        creator=reader.text(data, "creator", path, required=True),
        version=reader.text(data, "version", path),
        language=reader.text(data, "language", path),
        description=reader.text(data, "description", path),
        last_change=reader.text(data, "lastChangeDateTime", path, required=True),
    )


def _item(reader: _Reader, data: Any, path: str) -> CaseItem | None:
    if not isinstance(data, Mapping):
        reader.problems.append(Problem(path, "must be an object"))
        return None
    keywords = data.get("conceptKeywords", [])
    if isinstance(keywords, str):
        keywords = [keywords]
    if not isinstance(keywords, list) or not all(isinstance(k, str) for k in keywords):
        reader.problems.append(Problem(f"{path}.conceptKeywords", "must be a list of text"))
        keywords = []
    return CaseItem(
        identifier=reader.text(data, "identifier", path, required=True),
        uri=reader.text(data, "uri", path, required=True),
        full_statement=reader.text(data, "fullStatement", path, required=True),
        human_coding=reader.text(data, "humanCodingScheme", path),
        abbreviated_statement=reader.text(data, "abbreviatedStatement", path),
        item_type=reader.text(data, "CFItemType", path),
        keywords=tuple(k.strip() for k in keywords if k.strip()),
        last_change=reader.text(data, "lastChangeDateTime", path, required=True),
    )


def _association(reader: _Reader, data: Any, path: str) -> CaseAssociation | None:
    if not isinstance(data, Mapping):
        reader.problems.append(Problem(path, "must be an object"))
        return None
    origin = reader.obj(data, "originNodeURI", path)
    destination = reader.obj(data, "destinationNodeURI", path)
    sequence = data.get("sequenceNumber")
    if sequence is not None and (not isinstance(sequence, int) or isinstance(sequence, bool)):
        reader.problems.append(Problem(f"{path}.sequenceNumber", "must be a whole number"))
        sequence = None
    return CaseAssociation(
        identifier=reader.text(data, "identifier", path, required=True),
        association_type=reader.text(data, "associationType", path, required=True),
        origin=reader.text(origin, "identifier", f"{path}.originNodeURI", required=True),
        destination=reader.text(
            destination, "identifier", f"{path}.destinationNodeURI", required=True
        ),
        destination_uri=reader.text(destination, "uri", f"{path}.destinationNodeURI"),
        sequence=sequence,
    )


def _with_parents(
    reader: _Reader,
    document: CaseDocument,
    items: list[CaseItem],
    associations: list[tuple[int, CaseAssociation]],
) -> list[CaseItem]:
    known = {item.identifier for item in items}
    parents: dict[str, tuple[int, str]] = {}
    for index, link in associations:
        if link.association_type != CHILD_OF:
            continue
        path = f"$.CFAssociations[{index}]"
        if link.origin not in known:
            reader.problems.append(Problem(f"{path}.originNodeURI", "names no item of the package"))
            continue
        if link.destination != document.identifier and link.destination not in known:
            reader.problems.append(
                Problem(f"{path}.destinationNodeURI", "names no item of the package")
            )
            continue
        parent = "" if link.destination == document.identifier else link.destination
        order = link.sequence if link.sequence is not None else 1 << 30
        if link.origin not in parents or order < parents[link.origin][0]:
            parents[link.origin] = (order, parent)
    for start in parents:
        seen, node = {start}, parents[start][1]
        while node:
            if node in seen:
                reader.problems.append(
                    Problem("$.CFAssociations", f"isChildOf forms a cycle through {start}")
                )
                break
            seen.add(node)
            node = parents.get(node, (0, ""))[1]
    return [replace(item, parent=parents.get(item.identifier, (0, ""))[1]) for item in items]


def read_case(source: str | bytes | Mapping[str, Any]) -> CasePackage:
    """The package in ``source`` (JSON text or parsed), or :class:`InvalidInput` naming fields."""
    if isinstance(source, str | bytes):
        try:
            data = json.loads(source)
        except (ValueError, UnicodeDecodeError) as exc:
            raise InvalidInput("Not a CASE package", [Problem("$", f"not JSON ({exc})")]) from exc
    else:
        data = source
    if isinstance(data, Mapping) and isinstance(data.get("CFPackage"), Mapping):
        data = data["CFPackage"]
    if not isinstance(data, Mapping):
        raise InvalidInput("Not a CASE package", [Problem("$", "must be an object")])
    reader = _Reader()
    document = _document(reader, reader.obj(data, "CFDocument", "$"))
    raw_items = reader.array(data, "CFItems", "$")
    items = [i for n, raw in enumerate(raw_items) if (i := _item(reader, raw, f"$.CFItems[{n}]"))]
    links = [
        (n, a)
        for n, raw in enumerate(reader.array(data, "CFAssociations", "$"))
        if (a := _association(reader, raw, f"$.CFAssociations[{n}]"))
    ]
    seen: set[str] = set()
    for n, item in enumerate(items):
        if item.identifier and item.identifier in seen:
            reader.problems.append(Problem(f"$.CFItems[{n}].identifier", "repeats another item"))
        seen.add(item.identifier)
    if not reader.problems:
        items = _with_parents(reader, document, items, links)
    if reader.problems:
        raise InvalidInput("The CASE package is not valid", reader.problems)
    return CasePackage(document, tuple(items), tuple(a for _, a in links))


__all__ = ["CaseAssociation", "CaseDocument", "CaseItem", "CasePackage", "read_case"]
