"""Credential engine benchmark: microcred against the pyld reference approach, in one run.

    .venv/bin/python -m benchmarks.engine            # N=2,000 credentials, pyld on 200
    .venv/bin/python -m benchmarks.engine --n 500 --baseline-n 100 --workers 2

Single-core measurements pin the process to one CPU (``os.sched_setaffinity``) and time each
operation with ``time.perf_counter`` after a warm-up:

* canonicalize/s  — ``microcred.canon.canonicalize_document`` (RDFC-1.0 N-Quads);
* sign/s          — ``microcred.suites.eddsa_rdfc_2022.sign``;
* sign_many/s     — ``eddsa_rdfc_2022.sign_many`` on batches of n/5 credentials, on the
  generated credentials (all different) and on the bulk case (every credential with the
  same issuer and achievement: one achievement awarded to many people), with ``sign`` on
  the bulk case for comparison; the batch output is checked byte-identical to ``sign``'s;
* verify/s        — ``eddsa_rdfc_2022.verify_proof`` (canonicalization + Ed25519);
* verify_credential/s — the full recipe (structure, schema, contexts, terms, proof, issuer,
  dates, Bitstring Status List — the list credential is itself verified each time).

The baseline, measured in the same process on the same credentials (the first
``--baseline-n``), is the reference approach: pyld ``jsonld.normalize`` (URDNA2015) with an
offline loader over the same pinned context files + ``cryptography`` Ed25519. Canonical output
and signatures are compared between the two (Ed25519 is deterministic, so equal canonical
forms give byte-equal proofValues). ``verify-many`` verifies all credentials on ``--workers``
processes (chunked ``multiprocessing.Pool.imap_unordered``).
"""

from __future__ import annotations

import argparse
import hashlib
import json
import multiprocessing
import os
import platform
import statistics
import sys
import time
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from importlib import resources
from typing import Any

from benchmarks.credentials import make_credentials

CREATED = "2025-11-20T10:00:00Z"
# Every generated credential is valid at this instant (validFrom <= 2025-11-02, validUntil
# >= 2026-01-06).
NOW = datetime(2025, 12, 1, 12, 0, tzinfo=UTC)
ISSUER_SEED = hashlib.sha256(b"microcred benchmark issuer").digest()
WARMUP = 30


# --------------------------------------------------------------------------- timing


@dataclass
class Measure:
    """``count`` operations timed in slices; ``rate`` is the median of the slice rates."""

    name: str
    count: int
    seconds: float
    slice_rates: list[float]

    @property
    def rate(self) -> float:
        if self.slice_rates:
            return statistics.median(self.slice_rates)
        return self.count / self.seconds if self.seconds > 0 else float("inf")


SLICES = 5


def timed(name: str, items: Sequence[Any], operation: Callable[[Any], Any]) -> Measure:
    """Time ``operation`` over ``items`` after a warm-up on the first few.

    The items are timed in ``SLICES`` consecutive slices and the median slice rate is kept:
    a burst of other work on the machine spoils one slice, not the result.
    """
    for item in items[:WARMUP]:
        operation(item)
    size = max(1, len(items) // SLICES)
    rates: list[float] = []
    total = 0.0
    for begin in range(0, len(items), size):
        part = items[begin : begin + size]
        start = time.perf_counter()
        for item in part:
            operation(item)
        elapsed = time.perf_counter() - start
        total += elapsed
        if len(part) == size and elapsed > 0:
            rates.append(len(part) / elapsed)
    return Measure(name, len(items), total, rates)


def timed_batch(
    name: str, items: Sequence[Any], operation: Callable[[Sequence[Any]], list[Any]]
) -> tuple[Measure, list[Any]]:
    """Like :func:`timed`, for an operation on a whole batch: each slice is one call (one
    batch). Returns the measure and the concatenated results."""
    operation(items[:WARMUP])
    size = max(1, len(items) // SLICES)
    rates: list[float] = []
    total = 0.0
    results: list[Any] = []
    for begin in range(0, len(items), size):
        part = items[begin : begin + size]
        start = time.perf_counter()
        results.extend(operation(part))
        elapsed = time.perf_counter() - start
        total += elapsed
        if len(part) == size and elapsed > 0:
            rates.append(len(part) / elapsed)
    return Measure(name, len(items), total, rates), results


def bulk_credentials(credentials: Sequence[dict[str, Any]]) -> list[dict[str, Any]]:
    """The bulk-issuance case: every credential with the first one's issuer and achievement
    (equal JSON, separate objects, as if parsed from JSON Lines); learners still differ."""
    issuer = json.dumps(credentials[0]["issuer"])
    achievement = json.dumps(credentials[0]["credentialSubject"]["achievement"])
    out: list[dict[str, Any]] = []
    for credential in credentials:
        copy = json.loads(json.dumps(credential))
        copy["issuer"] = json.loads(issuer)
        copy["credentialSubject"]["achievement"] = json.loads(achievement)
        out.append(copy)
    return out


def pin_to_one_core() -> int | None:
    """Pin this process to one CPU; returns it (None where affinity is unsupported)."""
    if not hasattr(os, "sched_setaffinity"):
        return None
    cpu = max(os.sched_getaffinity(0))
    os.sched_setaffinity(0, {cpu})
    return cpu


# --------------------------------------------------------------------------- pyld baseline


class PyldReference:
    """The reference approach: pyld URDNA2015 + cryptography Ed25519, contexts offline."""

    def __init__(self) -> None:
        from pyld import jsonld

        self._jsonld = jsonld
        package = resources.files("microcred.contexts")
        index = json.loads(package.joinpath("index.json").read_text("utf-8"))
        self._contexts: dict[str, str] = {}
        for url, entry in index.items():
            data = package.joinpath(entry["file"]).read_bytes()
            if hashlib.sha256(data).hexdigest() != entry["sha256"]:
                raise RuntimeError(f"context file for {url} does not match its pin")
            self._contexts[url] = data.decode("utf-8")

    def _load(self, url: str, options: Any = None) -> dict[str, Any]:
        text = self._contexts.get(url)
        if text is None:
            raise RuntimeError(f"offline loader: {url} is not pinned")
        return {"contextUrl": None, "documentUrl": url, "document": json.loads(text)}

    def canonicalize(self, document: dict[str, Any]) -> str:
        result: str = self._jsonld.normalize(
            document,
            {
                "algorithm": "URDNA2015",
                "format": "application/n-quads",
                "documentLoader": self._load,
            },
        )
        return result

    def _hash_data(self, unsecured: dict[str, Any], proof_config: dict[str, Any]) -> bytes:
        config = {"@context": unsecured["@context"], **proof_config}
        return (
            hashlib.sha256(self.canonicalize(config).encode()).digest()
            + hashlib.sha256(self.canonicalize(unsecured).encode()).digest()
        )

    def sign(self, document: dict[str, Any], private_key: Any, method: str) -> dict[str, Any]:
        from microcred.keys import base58btc_encode

        proof = {
            "type": "DataIntegrityProof",
            "cryptosuite": "eddsa-rdfc-2022",
            "created": CREATED,
            "verificationMethod": method,
            "proofPurpose": "assertionMethod",
        }
        signature = private_key.sign(self._hash_data(document, proof))
        return {**document, "proof": {**proof, "proofValue": "z" + base58btc_encode(signature)}}

    def verify(self, signed: dict[str, Any], public_key: Any) -> bool:
        from cryptography.exceptions import InvalidSignature

        from microcred.keys import multibase_decode

        unsecured = {k: v for k, v in signed.items() if k != "proof"}
        proof = signed["proof"]
        proof = proof[0] if isinstance(proof, list) else proof
        config = {k: v for k, v in proof.items() if k != "proofValue"}
        try:
            public_key.verify(
                multibase_decode(proof["proofValue"]), self._hash_data(unsecured, config)
            )
        except InvalidSignature:
            return False
        return True


# --------------------------------------------------------------------------- microcred side


@dataclass
class World:
    """The issuer key, credentials, signed copies and a resolver for the full recipe."""

    key: Any
    credentials: list[dict[str, Any]]
    resolver: Any
    status_lists: dict[str, dict[str, Any]]


def build_world(n: int, seed: int) -> World:
    from microcred.did import MapResolver
    from microcred.keys import KeyPair
    from microcred.status import BitstringStatusList, status_list_credential
    from microcred.suites import eddsa_rdfc_2022

    key = KeyPair.from_ed25519_seed(ISSUER_SEED)
    credentials = make_credentials(n, seed=seed, issuer_id=key.controller)
    # one signed status list per list URL the credentials point to; about 1 in 50 revoked
    revoked: dict[str, set[int]] = {}
    for i, credential in enumerate(credentials):
        entry = credential["credentialStatus"]
        bucket = revoked.setdefault(entry["statusListCredential"], set())
        if i % 50 == 49:
            bucket.add(int(entry["statusListIndex"]))
    status_lists = {}
    for url, indices in revoked.items():
        bits = BitstringStatusList()
        for index in indices:
            bits.set(index)
        unsigned = status_list_credential(
            id=url,
            issuer=key.controller,
            purpose="revocation",
            encoded_list=bits.encode(),
            valid_from="2025-01-01T00:00:00Z",
        )
        status_lists[url] = eddsa_rdfc_2022.sign(unsigned, key, created=CREATED)
    return World(key, credentials, MapResolver(status_lists), status_lists)


# --------------------------------------------------------------------------- verify-many

_worker_state: dict[str, Any] = {}


def _worker_init(status_lists: dict[str, dict[str, Any]], sample: dict[str, Any]) -> None:
    from microcred.did import MapResolver
    from microcred.keys import KeyPair

    _worker_state["public"] = KeyPair.from_ed25519_seed(ISSUER_SEED).public
    _worker_state["resolver"] = MapResolver(status_lists)
    # warm-up in every worker: imports, compiled contexts, caches
    for mode in ("proof", "full"):
        _verify_chunk((mode, [sample] * 5))


def _verify_chunk(task: tuple[str, list[dict[str, Any]]]) -> int:
    mode, chunk = task
    if mode == "proof":
        from microcred.suites.eddsa_rdfc_2022 import verify_proof

        public = _worker_state["public"]
        return sum(verify_proof(c, _only_proof(c), public).ok for c in chunk)
    from microcred.verify import verify_credential

    resolver = _worker_state["resolver"]
    return sum(verify_credential(c, now=NOW, resolver=resolver).ok for c in chunk)


def verify_many(
    signed: list[dict[str, Any]],
    status_lists: dict[str, dict[str, Any]],
    *,
    mode: str,
    workers: int,
    chunk: int,
) -> tuple[Measure, int]:
    """Verify ``signed`` on ``workers`` processes; returns the timing and how many passed."""
    chunks = [(mode, signed[i : i + chunk]) for i in range(0, len(signed), chunk)]
    context = multiprocessing.get_context("fork" if sys.platform == "linux" else "spawn")
    with context.Pool(
        workers, initializer=_worker_init, initargs=(status_lists, signed[0])
    ) as pool:
        # wait until every worker has started and warmed up
        list(pool.imap_unordered(_verify_chunk, [(mode, [])] * workers, chunksize=1))
        start = time.perf_counter()
        passed = sum(pool.imap_unordered(_verify_chunk, chunks, chunksize=1))
        seconds = time.perf_counter() - start
    return Measure(f"verify-many ({mode})", len(signed), seconds, []), passed


def _only_proof(credential: dict[str, Any]) -> dict[str, Any]:
    proof = credential["proof"]
    return proof[0] if isinstance(proof, list) else proof


# --------------------------------------------------------------------------- report


def _row(label: str, ours: Measure | None, base: Measure | None) -> str:
    ours_text = f"{ours.rate:>12,.0f}" if ours else f"{'—':>12}"
    base_text = f"{base.rate:>12,.1f}" if base else f"{'—':>12}"
    ratio = f"{ours.rate / base.rate:>9.1f}x" if ours and base else f"{'':>10}"
    ms = f"{1000 / ours.rate:>9.3f}" if ours else f"{'':>9}"
    return f"{label:<44}{ours_text}{ms}{base_text}{ratio}"


def run(args: argparse.Namespace) -> int:
    from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

    from microcred.canon import canonicalize_document
    from microcred.suites import eddsa_rdfc_2022
    from microcred.verify import verify_credential

    restore = os.sched_getaffinity(0) if hasattr(os, "sched_getaffinity") else None
    cpu = pin_to_one_core()
    print(f"building {args.n:,} credentials (seed {args.seed}) ...", flush=True)
    world = build_world(args.n, args.seed)
    credentials, key = world.credentials, world.key
    sizes = [len(json.dumps(c, ensure_ascii=False, separators=(",", ":"))) for c in credentials]
    baseline_set = credentials[: args.baseline_n]

    # ---- microcred, one core
    canon = timed("canonicalize", credentials, canonicalize_document)
    signed: list[dict[str, Any]] = []
    sign = timed(
        "sign",
        credentials,
        lambda c: signed.append(eddsa_rdfc_2022.sign(c, key, created=CREATED)),
    )
    signed = signed[WARMUP:]  # the warm-up appended WARMUP extra copies first
    assert len(signed) == len(credentials)
    batch_sign, batch_signed = timed_batch(
        "sign_many", credentials, lambda b: eddsa_rdfc_2022.sign_many(b, key, created=CREATED)
    )
    bulk = bulk_credentials(credentials)
    bulk_signed: list[dict[str, Any]] = []
    bulk_sign = timed(
        "sign (bulk)",
        bulk,
        lambda c: bulk_signed.append(eddsa_rdfc_2022.sign(c, key, created=CREATED)),
    )
    bulk_signed = bulk_signed[WARMUP:]
    bulk_batch_sign, bulk_batch_signed = timed_batch(
        "sign_many (bulk)", bulk, lambda b: eddsa_rdfc_2022.sign_many(b, key, created=CREATED)
    )
    batch_identical = batch_signed == signed and bulk_batch_signed == bulk_signed
    results: list[bool] = []
    verify = timed(
        "verify",
        signed,
        lambda c: results.append(eddsa_rdfc_2022.verify_proof(c, _only_proof(c), key.public).ok),
    )
    proofs_ok = sum(results[WARMUP:])
    verdicts: list[str] = []
    full = timed(
        "verify_credential",
        signed,
        lambda c: verdicts.append(verify_credential(c, now=NOW, resolver=world.resolver).verdict),
    )
    verdict_counts = {v: verdicts[WARMUP:].count(v) for v in sorted(set(verdicts[WARMUP:]))}

    # raw Ed25519 for scale
    private = Ed25519PrivateKey.from_private_bytes(ISSUER_SEED)
    public = private.public_key()
    message = b"x" * 64
    raw_sign = timed("raw sign", range(5000), lambda _: private.sign(message))
    signature = private.sign(message)
    raw_verify = timed("raw verify", range(5000), lambda _: public.verify(signature, message))

    # ---- pyld reference, same core, same credentials
    reference = PyldReference()
    base_canon_out: list[str] = []
    base_canon = timed(
        "pyld canonicalize",
        baseline_set,
        lambda c: base_canon_out.append(reference.canonicalize(c)),
    )
    base_canon_out = base_canon_out[min(WARMUP, len(baseline_set)) :]
    base_signed: list[dict[str, Any]] = []
    base_sign = timed(
        "pyld sign",
        baseline_set,
        lambda c: base_signed.append(reference.sign(c, private, key.id)),
    )
    base_signed = base_signed[min(WARMUP, len(baseline_set)) :]
    base_ok: list[bool] = []
    base_verify = timed(
        "pyld verify",
        signed[: args.baseline_n],
        lambda c: base_ok.append(reference.verify(c, public)),
    )
    base_verified = sum(base_ok[min(WARMUP, len(baseline_set)) :])

    # ---- agreement
    ours_canon = [canonicalize_document(c) for c in baseline_set]
    identical = sum(a == b for a, b in zip(ours_canon, base_canon_out, strict=True))
    extra_total = extra_identical = 0
    if args.compare_all:
        rest = credentials[args.baseline_n :]
        extra_total = len(rest)
        extra_identical = sum(canonicalize_document(c) == reference.canonicalize(c) for c in rest)
    same_signatures = sum(
        _only_proof(a)["proofValue"] == _only_proof(b)["proofValue"]
        for a, b in zip(signed, base_signed, strict=False)
    )

    # ---- verify-many on all cores
    if restore is not None:
        os.sched_setaffinity(0, restore)
    many_proof, many_proof_ok = verify_many(
        signed, world.status_lists, mode="proof", workers=args.workers, chunk=args.chunk
    )
    many_full, many_full_ok = verify_many(
        signed, world.status_lists, mode="full", workers=args.workers, chunk=args.chunk
    )

    # ---- report
    print()
    print(
        f"microcred engine benchmark — {args.n:,} OB 3.0 credentials "
        f"(JSON {statistics.mean(sizes):,.0f} B avg, {min(sizes):,}-{max(sizes):,} B), "
        f"seed {args.seed}"
    )
    print(
        f"Python {platform.python_version()} on {platform.machine()}, "
        f"single-core rows pinned to CPU {cpu}; pyld baseline on the first "
        f"{len(baseline_set):,} credentials (pyld is ~{args.n // max(1, len(baseline_set))}x "
        "fewer to keep the run short)"
    )
    from microcred.native import engine_build

    print(f"credential engine: {engine_build()} (setup.py; MICROCRED_PURE_PYTHON=1 skips mypyc)")
    if hasattr(os, "getloadavg"):
        load = os.getloadavg()
        print(
            f"load average at the end: {load[0]:.2f} {load[1]:.2f} {load[2]:.2f} "
            f"on {os.cpu_count()} CPUs (other work on the machine skews the numbers)"
        )
    print()
    print(f"{'operation (1 core)':<44}{'microcred/s':>12}{'ms/op':>9}{'pyld/s':>12}{'ratio':>10}")
    print("-" * 87)
    print(_row("canonicalize (RDFC-1.0 N-Quads)", canon, base_canon))
    print(_row("sign (eddsa-rdfc-2022)", sign, base_sign))
    print(_row("sign_many (batches of n/5, all differ)", batch_sign, None))
    print(_row("sign (bulk: shared issuer + achievement)", bulk_sign, None))
    print(_row("sign_many (bulk: shared issuer + achievement)", bulk_batch_sign, None))
    print(_row("verify (proof: canonicalize + Ed25519)", verify, base_verify))
    print(_row("verify_credential (full recipe, with status)", full, None))
    print(_row("raw Ed25519 sign (cryptography, 64 B)", raw_sign, None))
    print(_row("raw Ed25519 verify (cryptography, 64 B)", raw_verify, None))
    print("-" * 87)
    print(
        f"verify-many ({args.workers} processes, chunks of {args.chunk}): "
        f"proof {many_proof.rate:,.0f}/s ({many_proof.rate / verify.rate:.2f}x 1 core), "
        f"full recipe {many_full.rate:,.0f}/s ({many_full.rate / full.rate:.2f}x 1 core)"
    )
    print()
    print(
        f"proofs verified (microcred): {proofs_ok}/{len(signed)}; "
        f"verify-many passed: proof {many_proof_ok}/{len(signed)}, "
        f"full {many_full_ok}/{len(signed)}"
    )
    print(f"verify_credential verdicts: {verdict_counts} (about 1 in 50 is revoked on purpose)")
    print(
        "microcred-signed proofs verified by the pyld reference: "
        f"{base_verified}/{len(baseline_set)}"
    )
    print(
        f"outputs identical: {identical}/{len(baseline_set)}"
        + (
            f" (+ {extra_identical}/{extra_total} on the rest of the set)"
            if args.compare_all
            else ""
        )
    )
    print(
        f"signatures identical (microcred vs pyld reference, same key): "
        f"{same_signatures}/{len(base_signed)}"
    )
    print()
    print(f"ratio canonicalize microcred/pyld: {canon.rate / base_canon.rate:.1f}x")
    print(f"ratio sign         microcred/pyld: {sign.rate / base_sign.rate:.1f}x")
    print(f"ratio verify       microcred/pyld: {verify.rate / base_verify.rate:.1f}x")
    all_identical = identical == len(baseline_set) and extra_identical == extra_total
    print(f"sign_many output identical to sign, one by one: {'yes' if batch_identical else 'NO'}")
    all_identical = all_identical and batch_identical
    return 0 if all_identical and proofs_ok == len(signed) else 1


def main(argv: Iterable[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m benchmarks.engine", description=__doc__.split("\n")[0]
    )
    parser.add_argument("--n", type=int, default=2000, help="credentials (default 2,000)")
    parser.add_argument(
        "--baseline-n", type=int, default=200, help="credentials for pyld (default 200)"
    )
    parser.add_argument("--seed", type=int, default=2025)
    parser.add_argument(
        "--workers", type=int, default=os.cpu_count() or 2, help="verify-many processes"
    )
    parser.add_argument("--chunk", type=int, default=50, help="verify-many chunk size")
    parser.add_argument(
        "--compare-all",
        action="store_true",
        help="also compare canonical output with pyld on all N",
    )
    args = parser.parse_args(list(argv) if argv is not None else None)
    args.baseline_n = min(args.baseline_n, args.n)
    if args.n <= WARMUP:
        parser.error(f"--n must be larger than the warm-up ({WARMUP})")
    return run(args)


if __name__ == "__main__":
    raise SystemExit(main())
