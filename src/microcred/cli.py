"""``microcred``: sign, verify, canonicalize, bake and extract credentials — no server, no DB.

Exit codes: 0 success (every credential valid), 1 a credential is invalid or a line failed,
2 usage errors (bad arguments, unreadable files).
"""

from __future__ import annotations

import argparse
import json
import os
import sys
from collections.abc import Callable, Iterator, Sequence
from datetime import UTC, datetime
from pathlib import Path
from typing import Any, TextIO

from microcred.canon import canonicalize_document
from microcred.contexts import ContextRegistry, default_registry
from microcred.did import MapResolver
from microcred.errors import Error, InvalidInput
from microcred.keys import KeyPair
from microcred.model import parse_datetime
from microcred.strict_json import loads_strict
from microcred.tlog.commands import UrlFetch, add_log_parser, log_command
from microcred.tlog.verdict import report_with_transparency
from microcred.trust.check import report_with_trust
from microcred.trust.registry import Registry, registry_from_text
from microcred.verify import (
    SUITES,
    VerificationReport,
    issue_credential,
    issue_credentials,
    verify_credential,
)

EXIT_OK, EXIT_INVALID, EXIT_USAGE = 0, 1, 2


class UsageError(Exception):
    """A problem with the command line or the files it names (exit code 2)."""


class _Parser(argparse.ArgumentParser):
    def error(self, message: str) -> Any:  # argparse would sys.exit(2) by itself
        raise UsageError(message)


def _parser() -> argparse.ArgumentParser:
    parser = _Parser(prog="microcred", description=__doc__.splitlines()[0])
    sub = parser.add_subparsers(dest="command", required=True, parser_class=_Parser)

    keygen = sub.add_parser("keygen", help="generate an Ed25519 Multikey (file mode 0600)")
    keygen.add_argument("--out", required=True, help="where to write the key JSON")
    keygen.add_argument("--controller", help="the controller DID/URL (default: a did:key)")

    sign = sub.add_parser("sign", help="sign a credential (JSON) and print it")
    sign.add_argument("--key", required=True, help="Multikey JSON from `microcred keygen`")
    sign.add_argument("--suite", choices=SUITES, default="eddsa-rdfc-2022")
    sign.add_argument("--created", help="proof creation time (XML Schema dateTime)")
    sign.add_argument("--verification-method", help="override the key id in the proof")
    sign.add_argument("--jsonl", action="store_true", help="input is JSON Lines")
    _context_option(sign)
    sign.add_argument("input", help="credential JSON file, or - for stdin")

    verify = sub.add_parser("verify", help="verify credentials (JSON, JWT, PNG, SVG)")
    verify.add_argument("--json", action="store_true", help="one JSON report per line")
    verify.add_argument("--jsonl", action="store_true", help="inputs are JSON Lines")
    verify.add_argument(
        "--docs",
        help="JSON map {URL: document} served to the verifier (issuers' DID or controller "
        "documents, status lists): a key counts only if its issuer's document lists it",
    )
    verify.add_argument("--now", help="check dates against this time (default: now)")
    verify.add_argument(
        "--allow-unknown-status",
        action="store_true",
        help="a status list that cannot be retrieved is a warning, not the STATUS-UNKNOWN verdict",
    )
    verify.add_argument(
        "--log-proof",
        help="the credential's transparency log inclusion bundle (JSON): reported as "
        "'logged at index N, checkpoint T'",
    )
    verify.add_argument("--log-key", help="the issuer's log verifier key to trust")
    verify.add_argument(
        "--require-log",
        action="store_true",
        help="a credential not shown to be in its issuer's log is invalid (default: a warning)",
    )
    verify.add_argument(
        "--trust-registry",
        action="append",
        default=[],
        metavar="FILE",
        help="a trusted issuer registry in the microcred JSON format (repeatable, most "
        "authoritative first): reported as 'issuer is in registry X'",
    )
    verify.add_argument(
        "--dcc-registry",
        action="append",
        default=[],
        metavar="NAME=FILE",
        help="a Digital Credentials Consortium registry.json, named NAME (repeatable)",
    )
    verify.add_argument(
        "--require-trusted-issuer",
        action="store_true",
        help="an issuer in no configured registry makes the credential invalid "
        "(default: a warning)",
    )
    _context_option(verify)
    verify.add_argument("files", nargs="+", help="files to verify, - for stdin")

    canon = sub.add_parser("canonicalize", help="print RDFC-1.0 canonical N-Quads")
    _context_option(canon)
    canon.add_argument("input", help="JSON-LD file, or - for stdin")

    bake = sub.add_parser("bake", help="bake a credential into a PNG or SVG badge image")
    bake.add_argument("--image", required=True)
    bake.add_argument("--credential", required=True)
    bake.add_argument("--out", required=True)

    extract = sub.add_parser("extract", help="print the credential baked into an image")
    extract.add_argument("image")
    add_log_parser(sub)
    return parser


def _context_option(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--context",
        action="append",
        default=[],
        metavar="URL=FILE",
        help="pin an extra JSON-LD context for this run (repeatable)",
    )


# ---------------------------------------------------------------------------- helpers


def _read_bytes(name: str, stdin: Any) -> bytes:
    if name == "-":
        data = stdin.buffer.read() if hasattr(stdin, "buffer") else stdin.read()
        return data if isinstance(data, bytes) else str(data).encode("utf-8")
    try:
        return Path(name).read_bytes()
    except OSError as exc:
        raise UsageError(f"cannot read {name}: {exc.strerror}") from exc


def _read_json(name: str, stdin: Any) -> Any:
    try:
        return loads_strict(_read_bytes(name, stdin))
    except InvalidInput as exc:
        raise UsageError(f"{name} is not JSON: {exc}") from exc


def _trust_registries(args: argparse.Namespace, stdin: Any) -> list[Registry]:
    """The issuer registries given by --trust-registry and --dcc-registry, in that order."""
    sources = [("microcred", "", path) for path in args.trust_registry]
    for pair in args.dcc_registry:
        name, sep, path = pair.partition("=")
        if not sep or not name.strip() or not path:
            raise UsageError(f"--dcc-registry wants NAME=FILE, not {pair!r}")
        sources.append(("dcc", name, path))
    registries = []
    for kind, name, path in sources:
        try:
            registries.append(registry_from_text(_read_bytes(path, stdin), format=kind, name=name))
        except InvalidInput as exc:
            raise UsageError(f"{path}: {exc}") from exc
    return registries


def _registry(pairs: Sequence[str]) -> ContextRegistry:
    registry = default_registry()
    if not pairs:
        return registry
    registry = registry.copy()
    for pair in pairs:
        url, sep, path = pair.partition("=")
        if not sep or not url or not path:
            raise UsageError(f"--context wants URL=FILE, not {pair!r}")
        try:
            registry.add_file(url, path)
        except Error as exc:
            raise UsageError(f"--context {url}: {exc}") from exc
    return registry


def _time(value: str | None, option: str) -> datetime | None:
    if value is None:
        return None
    try:
        return parse_datetime(value)
    except ValueError as exc:
        raise UsageError(f"{option}: {exc}") from exc


def _lines(data: bytes) -> Iterator[tuple[int, str]]:
    for number, line in enumerate(data.decode("utf-8", "replace").splitlines(), start=1):
        if line.strip():
            yield number, line


# ---------------------------------------------------------------------------- commands


def _keygen(args: argparse.Namespace, out: TextIO, err: TextIO, stdin: Any) -> int:
    key = KeyPair.generate_ed25519(controller=args.controller)
    text = json.dumps(key.to_multikey_json(), indent=2) + "\n"
    try:
        fd = os.open(args.out, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    except OSError as exc:
        raise UsageError(f"cannot write {args.out}: {exc.strerror}") from exc
    with os.fdopen(fd, "w", encoding="utf-8") as handle:
        handle.write(text)
    os.chmod(args.out, 0o600)
    out.write(f"{key.id}\n")
    return EXIT_OK


def _load_key(path: str, stdin: Any) -> KeyPair:
    try:
        return KeyPair.from_multikey_json(_read_json(path, stdin))
    except Error as exc:
        raise UsageError(f"{path}: not a usable key: {exc}") from exc


def _signing_key(key: KeyPair, args: argparse.Namespace) -> KeyPair:
    if args.verification_method:
        return KeyPair(args.verification_method, key.controller, key.public, key.secret)
    return key


def _sign_one(
    credential: Any, key: KeyPair, args: argparse.Namespace, registry: ContextRegistry
) -> str:
    if not isinstance(credential, dict):
        raise InvalidInput("not a credential: the JSON is not an object")
    signed = issue_credential(
        credential,
        _signing_key(key, args),
        suite=args.suite,
        created=args.created,
        registry=registry,
    )
    return signed if isinstance(signed, str) else json.dumps(signed, ensure_ascii=False)


#: JSON Lines are signed in batches of this many lines (``issue_credentials``).
SIGN_BATCH = 1000


def _sign(args: argparse.Namespace, out: TextIO, err: TextIO, stdin: Any) -> int:
    key = _load_key(args.key, stdin)
    registry = _registry(args.context)
    _time(args.created, "--created")
    data = _read_bytes(args.input, stdin)
    if not args.jsonl:
        try:
            credential = loads_strict(data)
        except InvalidInput as exc:
            raise UsageError(f"{args.input} is not JSON: {exc}") from exc
        try:
            out.write(_sign_one(credential, key, args, registry) + "\n")
        except Error as exc:
            err.write(f"microcred sign: refused: {exc}\n")
            return EXIT_INVALID
        return EXIT_OK
    status = EXIT_OK
    batch: list[tuple[int, dict[str, Any]]] = []
    for number, line in _lines(data):
        try:
            credential = loads_strict(line)
        except InvalidInput as exc:
            err.write(f"line {number}: not JSON: {exc}\n")
            status = EXIT_INVALID
            continue
        if not isinstance(credential, dict):
            err.write(f"line {number}: refused: not a credential: the JSON is not an object\n")
            status = EXIT_INVALID
            continue
        batch.append((number, credential))
        if len(batch) >= SIGN_BATCH:
            status = max(status, _sign_batch(batch, key, args, registry, out, err))
            batch = []
    if batch:
        status = max(status, _sign_batch(batch, key, args, registry, out, err))
    return status


def _sign_batch(
    batch: list[tuple[int, dict[str, Any]]],
    key: KeyPair,
    args: argparse.Namespace,
    registry: ContextRegistry,
    out: TextIO,
    err: TextIO,
) -> int:
    """Sign JSON Lines together (each line validated on its own; errors name the line)."""
    results = issue_credentials(
        [credential for _, credential in batch],
        _signing_key(key, args),
        suite=args.suite,
        created=args.created,
        registry=registry,
    )
    status = EXIT_OK
    for (number, _), result in zip(batch, results, strict=True):
        if isinstance(result, Error):
            err.write(f"line {number}: refused: {result}\n")
            status = EXIT_INVALID
        elif isinstance(result, str):
            out.write(result + "\n")
        else:
            out.write(json.dumps(result, ensure_ascii=False) + "\n")
    return status


def _human(report: VerificationReport, label: str) -> str:
    lines = [f"{label}: {report.verdict.upper()}"]
    marks = {"pass": "✓", "fail": "✗", "warn": "!", "skip": "-"}
    for check in report.checks:
        where = f" [{check.scope}]" if check.scope else ""
        lines.append(f"  {marks[check.status]} {check.name}{where}: {check.reason}")
    return "\n".join(lines) + "\n"


def _verify(args: argparse.Namespace, out: TextIO, err: TextIO, stdin: Any) -> int:
    registry = _registry(args.context)
    now = _time(args.now, "--now") or datetime.now(UTC)
    resolver = None
    if args.docs:
        docs = _read_json(args.docs, stdin)
        if not isinstance(docs, dict):
            raise UsageError(f"{args.docs}: --docs wants a JSON object {{URL: document}}")
        resolver = MapResolver(docs)
    inputs: list[tuple[str, bytes]] = []
    for name in args.files:
        data = _read_bytes(name, stdin)
        if args.jsonl:
            inputs.extend((f"{name}:{n}", line.encode("utf-8")) for n, line in _lines(data))
        else:
            inputs.append((name, data))
    status = EXIT_OK
    log_proof = _read_json(args.log_proof, stdin) if args.log_proof else None
    registries = _trust_registries(args, stdin)
    for label, data in inputs:
        report = verify_credential(
            data,
            now=now,
            resolver=resolver,
            registry=registry,
            allow_unknown_status=args.allow_unknown_status,
        )
        if log_proof is not None or args.require_log:
            report_with_transparency(
                report, log_proof, log_key=args.log_key, required=args.require_log
            )
        if registries or args.require_trusted_issuer:
            report_with_trust(report, registries, required=args.require_trusted_issuer)
        if not report.ok:
            status = EXIT_INVALID
        if args.json:
            out.write(json.dumps({"input": label, **report.to_json()}, ensure_ascii=False) + "\n")
        else:
            out.write(_human(report, label))
    return status


def _canonicalize(args: argparse.Namespace, out: TextIO, err: TextIO, stdin: Any) -> int:
    registry = _registry(args.context)
    document = _read_json(args.input, stdin)
    try:
        out.write(canonicalize_document(document, registry=registry))
    except Error as exc:
        err.write(f"microcred canonicalize: {exc}\n")
        return EXIT_INVALID
    return EXIT_OK


def _bake(args: argparse.Namespace, out: TextIO, err: TextIO, stdin: Any) -> int:
    from microcred import baking

    image = _read_bytes(args.image, stdin)
    payload = _read_bytes(args.credential, stdin).decode("utf-8").strip()
    try:
        if image.startswith(b"\x89PNG"):
            baked = baking.bake_png(image, payload)
        else:
            baked = baking.bake_svg(image, payload)
    except Error as exc:
        err.write(f"microcred bake: {exc}\n")
        return EXIT_INVALID
    try:
        Path(args.out).write_bytes(baked)
    except OSError as exc:
        raise UsageError(f"cannot write {args.out}: {exc.strerror}") from exc
    return EXIT_OK


def _extract(args: argparse.Namespace, out: TextIO, err: TextIO, stdin: Any) -> int:
    from microcred import baking

    try:
        baked = baking.extract(_read_bytes(args.image, stdin))
    except Error as exc:
        err.write(f"microcred extract: {exc}\n")
        return EXIT_INVALID
    out.write(baked.payload.rstrip("\n") + "\n")
    return EXIT_OK


COMMANDS: dict[str, Callable[[argparse.Namespace, TextIO, TextIO, Any], int]] = {
    "keygen": _keygen,
    "sign": _sign,
    "verify": _verify,
    "canonicalize": _canonicalize,
    "bake": _bake,
    "extract": _extract,
}


def main(
    argv: Sequence[str] | None = None,
    *,
    stdout: TextIO | None = None,
    stderr: TextIO | None = None,
    stdin: Any = None,
    fetch_url: UrlFetch | None = None,
) -> int:
    """Run the command line; returns the exit code (the console script exits with it).

    ``fetch_url`` (URL → bytes) lets ``microcred log audit --url`` read a remote log; the core
    has no network code of its own.
    """
    out = stdout or sys.stdout
    err = stderr or sys.stderr
    source = stdin if stdin is not None else sys.stdin
    try:
        args = _parser().parse_args(list(argv) if argv is not None else sys.argv[1:])
        if args.command == "log":
            return log_command(
                args, out, lambda name: _read_json(name, source), fetch_url, UsageError
            )
        return COMMANDS[args.command](args, out, err, source)
    except UsageError as exc:
        err.write(f"microcred: {exc}\n")
        return EXIT_USAGE
    except SystemExit as exc:  # --help
        return int(exc.code or 0)


def run() -> None:
    """Console-script friendly wrapper that exits with the code."""
    sys.exit(main())


if __name__ == "__main__":  # pragma: no cover
    run()
