"""``microcred log verify | audit | monitor``: the transparency log from the command line.

Tiles are read from a folder (``--dir``) or from a URL (``--url``) through a fetcher the
caller of :func:`microcred.cli.main` injects: the core itself never opens a socket.
The state file (``--state``) keeps every checkpoint seen, so a later audit proves the log
only grew: a fork or a rollback against any of them is reported.
"""

from __future__ import annotations

import argparse
import json
from collections.abc import Callable
from pathlib import Path
from typing import Any, TextIO

from microcred.errors import Error
from microcred.tlog.audit import AuditReport, Fetch, folder_fetcher, log_audit
from microcred.tlog.entries import LogEntry
from microcred.tlog.errors import LogError, TileMissing
from microcred.tlog.inclusion import inclusion_check
from microcred.tlog.note import NoteVerifier

UrlFetch = Callable[[str], bytes]


def add_log_parser(sub: Any) -> None:
    log = sub.add_parser("log", help="transparency log: verify an inclusion, audit, monitor")
    commands = log.add_subparsers(dest="log_command", required=True, parser_class=type(log))
    verify = commands.add_parser("verify", help="check a credential's inclusion proof")
    verify.add_argument("--credential", required=True, help="the credential JSON")
    verify.add_argument("--proof", required=True, help="the inclusion bundle JSON (…/log/proof/…)")
    verify.add_argument("--checkpoint", help="a signed checkpoint to use instead of the bundle's")
    verify.add_argument("--log-key", help="the log's verifier key (default: the bundle's)")
    for name, text in (
        ("audit", "recompute the log and check it against every checkpoint seen"),
        ("monitor", "audit, then list the entries added since the last run"),
    ):
        command = commands.add_parser(name, help=text)
        source = command.add_mutually_exclusive_group(required=True)
        source.add_argument("--dir", help="a folder holding checkpoint and tile/…")
        source.add_argument("--url", help="the log's base URL (…/o/<slug>/log)")
        command.add_argument("--log-key", required=True, help="the log's verifier key")
        command.add_argument("--state", help="JSON file of checkpoints seen (read and updated)")
        if name == "monitor":
            command.add_argument(
                "--subject-prefix", default="", help="only entries whose subject starts so"
            )


def _fetcher(args: argparse.Namespace, fetch_url: UrlFetch | None, usage: type[Exception]) -> Fetch:
    if args.dir:
        return folder_fetcher(args.dir)
    if fetch_url is None:
        raise usage(
            "--url needs a network fetcher: use `manage.py log_fetch_audit audit --url …` or --dir"
        )
    base = args.url.rstrip("/")

    def fetch(path: str) -> bytes:
        try:
            return fetch_url(f"{base}/{path}")
        except TileMissing:
            raise
        except Exception as exc:  # any transport failure is a missing tile, reported
            raise TileMissing(f"{path}: {exc}") from exc

    return fetch


def _state(path: str | None) -> list[str]:
    if not path or not Path(path).exists():
        return []
    value = json.loads(Path(path).read_text(encoding="utf-8"))
    return [note for note in value.get("checkpoints", []) if isinstance(note, str)]


def _save_state(path: str | None, seen: list[str], note: str) -> None:
    if path:
        notes = [*seen, note] if note not in seen else seen
        Path(path).write_text(json.dumps({"checkpoints": notes}, indent=1), encoding="utf-8")


def _report(report: AuditReport, out: TextIO) -> None:
    if report.checkpoint is not None:
        out.write(
            f"log {report.checkpoint.origin}: {report.checkpoint.size} entries, "
            f"{report.tiles_checked} tiles and {report.checkpoints_checked} checkpoints checked\n"
        )
    for finding in report.findings:
        out.write(f"  ✗ {finding}\n")
    out.write("OK\n" if report.ok else "PROBLEMS FOUND\n")


def log_command(
    args: argparse.Namespace,
    out: TextIO,
    read_json: Callable[[str], Any],
    fetch_url: UrlFetch | None,
    usage: type[Exception],
) -> int:
    """Run ``microcred log …``; returns 0 when everything holds, 1 otherwise."""
    try:
        verifier = NoteVerifier.parse(args.log_key) if args.log_key else None
    except LogError as exc:
        raise usage(f"--log-key: {exc}") from exc
    if args.log_command == "verify":
        bundle = read_json(args.proof)
        if args.checkpoint:
            bundle = {**bundle, "checkpoint": Path(args.checkpoint).read_text(encoding="utf-8")}
        try:
            inclusion = inclusion_check(bundle, read_json(args.credential), log_key=args.log_key)
        except Error as exc:
            out.write(f"NOT LOGGED: {exc}\n")
            return 1
        out.write(
            f"logged at index {inclusion.index}, checkpoint {inclusion.checkpoint.size} "
            f"of {inclusion.origin}\n"
        )
        return 0
    assert verifier is not None
    seen = _state(args.state)
    report = log_audit(fetch=_fetcher(args, fetch_url, usage), verifier=verifier, seen=seen)
    _report(report, out)
    if not report.ok:
        return 1
    if args.log_command == "monitor":
        since = max((_size_of(note, verifier) for note in seen), default=0)
        for index in range(since, len(report.entries)):
            entry = LogEntry.parse(report.entries[index])
            if entry.subject.startswith(args.subject_prefix):
                out.write(f"{index}\t{entry.at}\t{entry.kind}\t{entry.subject}\n")
    _save_state(args.state, seen, report.note)
    return 0


def _size_of(note: str, verifier: NoteVerifier) -> int:
    from microcred.tlog.checkpoint import checkpoint_open

    return checkpoint_open(note, verifier).size
