"""Compile gettext catalogues (.po → .mo) in pure Python, so no GNU gettext is needed."""

from __future__ import annotations

import ast
import struct
from dataclasses import dataclass, field
from pathlib import Path


@dataclass
class Entry:
    msgid: str = ""
    msgid_plural: str | None = None
    msgctxt: str | None = None
    msgstr: dict[int, str] = field(default_factory=dict)
    fuzzy: bool = False


def _unquote(text: str) -> str:
    value = ast.literal_eval(text)
    if not isinstance(value, str):  # pragma: no cover - malformed catalogue
        raise ValueError(f"not a string: {text!r}")
    return value


def parse_po(text: str) -> list[Entry]:
    """Parse the subset of the PO format that Django's makemessages writes."""
    entries: list[Entry] = []
    current = Entry()
    last: tuple[str, int] | None = None
    started = False

    def flush() -> None:
        nonlocal current, started
        if started:
            entries.append(current)
        current, started = Entry(), False

    for raw in text.splitlines():
        line = raw.strip()
        if not line:
            flush()
            last = None
            continue
        if line.startswith("#,"):
            if started and current.msgstr:
                flush()
            current.fuzzy = "fuzzy" in line
            continue
        if line.startswith("#"):
            continue
        keyword, _, rest = line.partition(" ")
        if line.startswith('"'):
            if last is None:
                raise ValueError(f"continuation without a keyword: {raw!r}")
            name, index = last
            value = _unquote(line)
            if name == "msgstr":
                current.msgstr[index] += value
            else:
                setattr(current, name, (getattr(current, name) or "") + value)
            continue
        if keyword in {"msgctxt", "msgid"} and current.msgstr:
            flush()
        started = True
        if keyword in {"msgctxt", "msgid", "msgid_plural"}:
            setattr(current, keyword, _unquote(rest))
            last = (keyword, 0)
        elif keyword == "msgstr":
            current.msgstr[0] = _unquote(rest)
            last = ("msgstr", 0)
        elif keyword.startswith("msgstr["):
            index = int(keyword[7:-1])
            current.msgstr[index] = _unquote(rest)
            last = ("msgstr", index)
        else:
            raise ValueError(f"unexpected line: {raw!r}")
    flush()
    return entries


def mo_bytes(entries: list[Entry]) -> bytes:
    """GNU .mo bytes for the translated, non-fuzzy entries (the header is always kept)."""
    pairs: dict[bytes, bytes] = {}
    for entry in entries:
        translated = [entry.msgstr[i] for i in sorted(entry.msgstr)]
        if entry.msgid and (entry.fuzzy or not all(translated)):
            continue
        key = entry.msgid
        if entry.msgid_plural is not None:
            key += "\0" + entry.msgid_plural
        if entry.msgctxt is not None:
            key = entry.msgctxt + "\x04" + key
        pairs[key.encode()] = "\0".join(translated).encode()
    keys = sorted(pairs)
    header_size = 7 * 4
    originals_at = header_size
    translations_at = originals_at + len(keys) * 8
    data_at = translations_at + len(keys) * 8
    originals: list[tuple[int, int]] = []
    translations: list[tuple[int, int]] = []
    blob = b""
    for original in keys:
        originals.append((len(original), data_at + len(blob)))
        blob += original + b"\0"
    for original in keys:
        value = pairs[original]
        translations.append((len(value), data_at + len(blob)))
        blob += value + b"\0"
    out = struct.pack("<7I", 0x950412DE, 0, len(keys), originals_at, translations_at, 0, data_at)
    for length, offset in originals + translations:
        out += struct.pack("<2I", length, offset)
    return out + blob


def compile_catalogue(po_path: Path) -> Path:
    mo_path = po_path.with_suffix(".mo")
    mo_path.write_bytes(mo_bytes(parse_po(po_path.read_text(encoding="utf-8"))))
    return mo_path
