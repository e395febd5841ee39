"""OB 3.0 ``getCredentials`` with an OAuth bearer token under load: granian (DEBUG off) +
PostgreSQL, driven by wrk at 64 connections (issue 19; decision 0045).

    python -m benchmarks.api [--credentials 5] [--seconds 15] [--connections 64]

DATABASE_URL must name a PostgreSQL server (default postgres://postgres@127.0.0.1:5432/microcred);
a fresh database named after it with the suffix ``_api_bench`` is dropped and created again.
The run migrates, issues ``--credentials`` credentials to one learner (claimed into their
wallet), gives an OAuth client a ``credential.readonly`` access token for them, starts the
production server and measures, in the same run:

1. baseline: ``GET /ims/ob/v3p0/discovery`` (no token, no database: the server's floor);
2. ``GET /ims/ob/v3p0/credentials`` with the bearer token and the token cache off
   (``MICROCRED_OAUTH_TOKEN_CACHE_SECONDS=0``: one token read per request);
3. the same with the cache on (the production default, 1 s): a warm-up, then the measured run.

Prints each run's throughput and latency, the ratios to the baseline and, as its last line,
``requests/s: X`` for run 3 (its p99 on the line before). Target ≥ 2,000 requests/s with
p99 ≤ 50 ms.
"""

from __future__ import annotations

import argparse
import os
import shutil
import subprocess
import sys
import time
from pathlib import Path

from benchmarks.fresh_database import server_environment
from benchmarks.verify import _free_port, _line, _wait_ready, _wrk, server_command, server_defaults

ROOT = Path(__file__).resolve().parent.parent

GET_SCRIPT = r"""
function init(args)
  wrk.method = "GET"
  if args[2] and args[2] ~= "" then wrk.headers["Authorization"] = "Bearer " .. args[2] end
end
"""


def _environment(run_dir: Path) -> str:
    return server_environment(run_dir, label="api", target="bench-api")


def _prepare(count: int) -> str:
    """Migrate, issue ``count`` credentials to one learner; return a bearer token for them."""
    import secrets
    from datetime import timedelta

    import django

    django.setup()
    from django.core.management import call_command
    from django.db import connections
    from django.utils import timezone
    from oauth2_provider.models import AccessToken, Application, set_token_value

    from microcred_web.accounts.models import User
    from microcred_web.achievements import services as achievements
    from microcred_web.issuing import services as issuing
    from microcred_web.oauth.scopes import CREDENTIAL_READ
    from microcred_web.orgs import services as orgs

    call_command("migrate", "--noinput", verbosity=0)
    learner = User.objects.create_user(email="lea@bench.example", password=secrets.token_hex(8))
    organisation = orgs.organisation_create(name="Benchmark Logistics", slug="bench")
    achievement = achievements.achievement_create(
        organisation=organisation,
        actor=None,
        values={
            "name": "Forklift Operation",
            "description": "Operates counterbalance and reach forklifts safely in a warehouse.",
            "criteria": "Passed the practical assessment and the written safety test.",
            "achievement_type": "Certificate",
            "tags": ["safety"],
            "alignments": [],
        },
    )
    version = achievements.achievement_publish(achievement=achievement, actor=None)
    credentials = issuing.credentials_issue(
        organisation=organisation,
        achievement_version=version,
        recipients=[
            issuing.RecipientInput(email=learner.email, name="Lea Learner") for _ in range(count)
        ],
        actor=None,
        source="bench",
        deliver=False,
    )
    for credential in credentials:
        issuing.credential_claim(credential=credential, user=learner)
    application = Application.objects.create(
        name="Benchmark client",
        redirect_uris="https://client.example/callback",
        client_type=Application.CLIENT_CONFIDENTIAL,
        authorization_grant_type=Application.GRANT_AUTHORIZATION_CODE,
    )
    raw = secrets.token_urlsafe(32)
    token = AccessToken(
        user=learner,
        application=application,
        scope=CREDENTIAL_READ,
        expires=timezone.now() + timedelta(hours=2),
    )
    set_token_value(token, raw)
    token.save()
    connections.close_all()
    print(f"learner with {len(credentials)} credentials; a credential.readonly bearer token")
    return raw


def _serve(args: argparse.Namespace, port: int, cache_seconds: str) -> subprocess.Popen[bytes]:
    env = {
        **os.environ,
        "PYTHONPATH": str(ROOT / "src"),
        "MICROCRED_OAUTH_TOKEN_CACHE_SECONDS": cache_seconds,
    }
    command = server_command("granian", port=port, workers=args.workers, threads=args.threads)
    server = subprocess.Popen(command, env=env, cwd=ROOT)
    _wait_ready(port, time.monotonic() + 60)
    return server


def _stop(server: subprocess.Popen[bytes]) -> None:
    server.terminate()
    try:
        server.wait(timeout=30)
    except subprocess.TimeoutExpired:
        server.kill()
        server.wait()


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--credentials", type=int, default=5, help="held by the learner")
    parser.add_argument("--seconds", type=int, default=15, help="measured run length")
    parser.add_argument("--baseline-seconds", type=int, default=8)
    parser.add_argument("--connections", type=int, default=64)
    parser.add_argument("--workers", type=int, default=None, help="processes (default: cores)")
    parser.add_argument("--threads", type=int, default=None, help="threads per process")
    args = parser.parse_args(argv)
    defaults = server_defaults("granian")
    args.workers = args.workers or defaults[0]
    args.threads = args.threads or defaults[1]
    if shutil.which("wrk") is None:
        raise SystemExit("wrk is missing: apt-get install -y wrk (make bench-api does it)")

    print(f"load average before the run (other work on the machine): {os.getloadavg()[0]:.2f}")
    run_dir = ROOT / "var" / "bench" / f"api-{time.strftime('%Y%m%d-%H%M%S')}-{os.getpid()}"
    run_dir.mkdir(parents=True)
    bench_db = _environment(run_dir)
    sys.path.insert(0, str(ROOT / "src"))
    print(
        f"database: postgresql ({bench_db})  connections: {args.connections}  granian: "
        f"{args.workers} workers × {args.threads} threads  cores: {os.cpu_count()}"
    )
    token = _prepare(args.credentials)
    script = run_dir / "get.lua"
    script.write_text(GET_SCRIPT)
    empty = run_dir / "none.txt"
    empty.write_text("\n")

    def measure(url: str, seconds: int, key: str = "") -> dict[str, float]:
        return _wrk(url, empty, script, seconds=seconds, connections=args.connections, key=key)

    port = _free_port()
    base = f"http://127.0.0.1:{port}/ims/ob/v3p0"
    server = _serve(args, port, "0")
    try:
        baseline = measure(f"{base}/discovery", args.baseline_seconds)
        print(_line("baseline GET /discovery (no token)", baseline))
        uncached = measure(f"{base}/credentials", args.baseline_seconds, token)
        print(_line("getCredentials, token read each time", uncached))
    finally:
        _stop(server)
    server = _serve(args, port, "1")
    try:
        measure(f"{base}/credentials", 5, token)  # warm-up: connections, caches
        result = measure(f"{base}/credentials", args.seconds, token)
        print(_line("getCredentials, token cache 1 s", result))
    finally:
        _stop(server)
    for name, run in (("uncached", uncached), ("cached", result)):
        if run["non2xx"]:
            print(f"WARNING: {int(run['non2xx'])} non-2xx answers in the {name} run")
    print(
        f"ratios to the baseline: uncached {uncached['rate'] / baseline['rate']:.2f}, "
        f"cached {result['rate'] / baseline['rate']:.2f}; cache speed-up "
        f"{result['rate'] / uncached['rate']:.2f}×"
    )
    print(f"load average at the end: {os.getloadavg()[0]:.2f} (the machine is shared)")
    met = result["rate"] >= 2000 and result["p99"] <= 50
    print(f"target ≥ 2000 req/s with p99 ≤ 50 ms: {'met' if met else 'NOT met'}")
    print(f"p99_ms: {result['p99']:.2f}")
    print(f"requests/s: {result['rate']:.0f}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
