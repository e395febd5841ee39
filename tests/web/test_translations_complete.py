"""Every shipped language translates every UI string the source uses (issue 16 item 3).

One extraction per run: Django's `makemessages` on a temporary copy of `src/microcred_web` (so the
test sees exactly the msgids the code and templates use), merged into a copy of each language's
catalogue. A language fails on any msgid without a non-fuzzy translation, on placeholders that
differ between msgid and msgstr, on a catalogue `msgfmt --check` rejects, and on a `.mo` that is
not what its `.po` compiles to. Every language in `settings.LANGUAGES` except English is covered.
Needs GNU gettext (`make gettext`). How to add a language: docs/translating.md.
"""

from __future__ import annotations

import gettext
import os
import re
import shutil
import subprocess
import sys
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

import pytest
from django.conf import settings

import microcred_web

SOURCE_LANGUAGE = "en"
APP_DIR = Path(microcred_web.__file__).resolve().parent
LANGUAGES = [code for code, _name in settings.LANGUAGES if code != SOURCE_LANGUAGE]
EXTRACTED_SUFFIXES = {".py", ".html", ".txt", ".po"}
MAKEMESSAGES_SETTINGS = 'SECRET_KEY = "makemessages"\nUSE_I18N = True\nLOCALE_PATHS: list = []\n'

NAMED = re.compile(r"%\((\w+)\)[-#0 +]*\d*(?:\.\d+)?[sdiorxXeEfFgGc]")
POSITIONAL = re.compile(r"%(?!\()[-#0 +]*\d*(?:\.\d+)?[sdiorxXeEfFgGc]")
BRACE = re.compile(r"(?<!\{)\{(\w*)\}(?!\})")
INLINE_TAG = re.compile(r"</?(a|abbr|b|br|code|em|i|kbd|small|span|strong)\b", re.IGNORECASE)


@dataclass
class Entry:
    msgid: str = ""
    msgid_plural: str | None = None
    msgstr: dict[int, str] = field(default_factory=dict)
    flags: set[str] = field(default_factory=set)
    where: str = ""

    @property
    def label(self) -> str:
        return f"{self.msgid!r} ({self.where or 'no reference'})"


def parse_po(path: Path) -> list[Entry]:
    """The live (non-obsolete) entries of a PO file, header excluded."""
    entries: list[Entry] = []
    entry, target = Entry(), ""
    keyword = re.compile(r'^(msgid_plural|msgid|msgstr(?:\[(\d+)\])?) "(.*)"$')
    for line in [*path.read_text(encoding="utf-8").splitlines(), ""]:
        if not line.strip():
            if entry.msgid:
                entries.append(entry)
            entry, target = Entry(), ""
        elif line.startswith("#,"):
            entry.flags |= {flag.strip() for flag in line[2:].split(",")}
        elif line.startswith("#:") and not entry.where:
            entry.where = line[2:].split()[0]
        elif line.startswith("#"):
            continue
        elif match := keyword.match(line):
            target = match[1] if match[1].startswith("msgid") else f"msgstr{match[2] or 0}"
            _store(entry, target, _unescape(match[3]), append=False)
        elif line.startswith('"'):
            _store(entry, target, _unescape(line[1:-1]), append=True)
    return entries


def _store(entry: Entry, target: str, text: str, *, append: bool) -> None:
    if target.startswith("msgstr"):
        index = int(target.removeprefix("msgstr"))
        entry.msgstr[index] = entry.msgstr.get(index, "") * append + text
    elif target == "msgid_plural":
        entry.msgid_plural = (entry.msgid_plural or "") * append + text
    else:
        entry.msgid = entry.msgid * append + text


def _unescape(text: str) -> str:
    escapes = {"n": "\n", "t": "\t", '"': '"', "\\": "\\"}
    return re.sub(r"\\(.)", lambda m: escapes.get(m[1], "\\" + m[1]), text)


def _run(
    args: list[str], cwd: Path | None = None, env: dict[str, str] | None = None
) -> subprocess.CompletedProcess[str]:
    return subprocess.run(args, capture_output=True, text=True, check=False, cwd=cwd, env=env)


def _copy_ignoring(directory: str, names: list[str]) -> set[str]:
    """copytree filter: only the files makemessages reads, and no caches."""
    return {
        name
        for name in names
        if name == "__pycache__"
        or (Path(directory, name).is_file() and Path(name).suffix not in EXTRACTED_SUFFIXES)
    }


@pytest.fixture(scope="module")
def extracted(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    """Each language's catalogue merged with the msgids the source extracts today (one run)."""
    assert shutil.which("xgettext") and shutil.which("msgfmt"), (
        "GNU gettext is missing: run `make gettext` (Debian package gettext)"
    )
    root = tmp_path_factory.mktemp("makemessages")
    shutil.copytree(APP_DIR, root / "microcred_web", ignore=_copy_ignoring)
    (root / "makemessages_settings.py").write_text(MAKEMESSAGES_SETTINGS, encoding="utf-8")
    env = {**os.environ, "PYTHONPATH": str(root), "DJANGO_SETTINGS_MODULE": "makemessages_settings"}
    languages = [arg for code in LANGUAGES for arg in ("-l", code)]
    done = _run(
        [sys.executable, "-m", "django", "makemessages", *languages, "--no-wrap", "-v0"],
        cwd=root / "microcred_web",
        env=env,
    )
    assert done.returncode == 0, done.stderr
    return {
        code: root / "microcred_web" / "locale" / code / "LC_MESSAGES" / "django.po"
        for code in LANGUAGES
    }


def shipped_po(code: str) -> Path:
    path = APP_DIR / "locale" / code / "LC_MESSAGES" / "django.po"
    assert path.exists(), f"'{code}' is in LANGUAGES but {path} is missing (docs/translating.md)"
    return path


def problems_untranslated(entries: list[Entry]) -> list[str]:
    problems = []
    for entry in entries:
        if "fuzzy" in entry.flags:
            problems.append(f"fuzzy: {entry.label}")
        elif not entry.msgstr or not all(entry.msgstr.values()):
            problems.append(f"untranslated: {entry.label}")
    return problems


def problems_placeholders(entry: Entry) -> list[str]:
    """Placeholders a translation dropped, added or changed."""
    sources = [entry.msgid] + ([entry.msgid_plural] if entry.msgid_plural else [])
    checks = [(NAMED, "named"), (BRACE, "brace"), (INLINE_TAG, "tag")]
    if "python-format" in entry.flags:  # "50% de" is no directive unless xgettext saw %-format
        checks.append((POSITIONAL, "positional"))
    problems = []
    for pattern, kind in checks:
        wanted = Counter(_found(pattern, sources[-1]))
        for index, text in sorted(entry.msgstr.items()):
            if not text:
                continue  # untranslated: reported by the completeness test
            got = Counter(_found(pattern, text))
            missing, extra = wanted - got, got - wanted
            if entry.msgid_plural and index == 0 and not extra and sum(missing.values()) <= 1:
                continue  # a singular form may spell the count out ("un bloc")
            if missing or extra:
                problems.append(f"{kind} placeholders differ in msgstr[{index}] of {entry.label}")
    return problems


def _found(pattern: re.Pattern[str], text: str) -> list[str]:
    if pattern is INLINE_TAG:
        return [tag.lower() for tag in pattern.findall(text)]
    if pattern is POSITIONAL:  # the count matters; "%s" may become "%d"
        return ["%"] * len(pattern.findall(text.replace("%%", "")))
    return [m[0] for m in pattern.finditer(text.replace("%%", ""))]


def _report(code: str, problems: list[str]) -> str:
    return (
        f"{len(problems)} problem(s) in the '{code}' catalogue {APP_DIR / 'locale' / code}:\n"
        + "\n".join(problems)
    )


@pytest.mark.parametrize("code", LANGUAGES)
def test_every_extracted_msgid_has_a_translation(extracted: dict[str, Path], code: str) -> None:
    entries = parse_po(extracted[code])
    assert len(entries) > 500, "the extraction found too few msgids: is the source copy complete?"
    problems = problems_untranslated(entries)
    assert not problems, _report(code, problems)


@pytest.mark.parametrize("code", LANGUAGES)
def test_translations_keep_their_placeholders(extracted: dict[str, Path], code: str) -> None:
    """Checked on the merged catalogue: its format flags are those of today's source."""
    entries = [e for e in parse_po(extracted[code]) if "fuzzy" not in e.flags]
    problems = [p for e in entries for p in problems_placeholders(e)]
    assert not problems, _report(code, problems)


@pytest.mark.parametrize("code", LANGUAGES)
def test_catalogue_passes_msgfmt_check(code: str, tmp_path: Path) -> None:
    done = _run(["msgfmt", "--check", "-o", str(tmp_path / "django.mo"), str(shipped_po(code))])
    assert done.returncode == 0, done.stderr


@pytest.mark.parametrize("code", LANGUAGES)
def test_compiled_catalogue_matches_its_source(code: str, tmp_path: Path) -> None:
    """The committed .mo holds exactly what its .po compiles to (compilemessages was run)."""
    compiled = tmp_path / "django.mo"
    done = _run(["msgfmt", "-o", str(compiled), str(shipped_po(code))])
    assert done.returncode == 0, done.stderr
    shipped = shipped_po(code).with_suffix(".mo")
    assert shipped.exists(), f"{shipped} is missing: run compilemessages -l {code}"
    expected, actual = _messages(compiled), _messages(shipped)
    stale = sorted(str(key) for key in expected.keys() ^ actual.keys())
    stale += sorted(
        str(key) for key in expected.keys() & actual.keys() if expected[key] != actual[key]
    )
    assert not stale, (
        f"{shipped} is out of date with its .po (run compilemessages -l {code}): {stale[:20]}"
    )


def _messages(mo: Path) -> dict[object, str]:
    with mo.open("rb") as handle:
        return dict(gettext.GNUTranslations(handle)._catalog)  # type: ignore[attr-defined]


@pytest.mark.parametrize(
    ("msgid", "msgstr", "flags", "broken"),
    [
        ("Hello %(name)s", "Bonjour %(nom)s", set(), True),
        ("Hello %(name)s", "Bonjour %(name)s", set(), False),
        ("Row %d of %s", "Ligne %d", {"python-format"}, True),
        ("Score at least {score}% in {quiz}", "Au moins {score} % de {quiz}", set(), False),
        ("{n} selected", "{count} sélectionnés", set(), True),
        ("Hi <strong>%(e)s</strong>", "Salut %(e)s", set(), True),
    ],
)
def test_placeholder_check_itself(msgid: str, msgstr: str, flags: set[str], broken: bool) -> None:
    entry = Entry(msgid=msgid, msgstr={0: msgstr}, flags=flags)
    assert bool(problems_placeholders(entry)) is broken


def test_untranslated_check_itself() -> None:
    entries = [
        Entry(msgid="Done", msgstr={0: "Fait"}),
        Entry(msgid="Open", msgstr={0: ""}),
        Entry(msgid="Close", msgstr={0: "Fermer"}, flags={"fuzzy"}),
        Entry(msgid="%(n)s day", msgid_plural="%(n)s days", msgstr={0: "%(n)s jour", 1: ""}),
    ]
    assert [p.split(":")[0] for p in problems_untranslated(entries)] == [
        "untranslated",
        "fuzzy",
        "untranslated",
    ]
