"""LTI 1.3 launches under load: granian (DEBUG off) + PostgreSQL, driven by wrk.

    python -m benchmarks.lti [--n 8000] [--seconds 10] [--connections 32]
                             [--workers N] [--threads N]

DATABASE_URL must name a PostgreSQL server (default postgres://postgres@127.0.0.1:5432/microcred);
a fresh database with the suffix ``_lti_bench`` is dropped and created again. The run:

1. migrates, creates an organisation with a published course, registers a platform whose
   keys are pasted (the "cached platform keys" case: no key fetch per launch), and makes
   ``--n`` login states (what ``/lti/login/`` stores) with an id_token signed for each, for
   500 learners of the platform, in two sets (warm-up, measured) so that no launch is a replay;
2. starts the production server (granian, WSGI) on a free port;
3. baseline: ``GET /lti/jwks.json`` (the tool's public key set; no database write);
4. a warm-up pass of launches (creates the 500 accounts), then the measured run.

Every launch verifies the RS256 signature and the claims, records the nonce, maps the
person, joins them to the organisation, records the resource link, enrols them and signs
them in (a new session row), then redirects to the course player. Prints throughput and
latency of both and, as its last line, ``launches/s: X`` (refused launches are reported and
make the run fail).
"""

from __future__ import annotations

import argparse
import os
import secrets
import subprocess
import sys
import time
from pathlib import Path
from urllib.parse import urlencode

from benchmarks.fresh_database import server_environment
from benchmarks.verify import _free_port, _wait_ready, _wrk, server_command, server_defaults

ROOT = Path(__file__).resolve().parent.parent
LEARNERS = 500
CLAIM = "https://purl.imsglobal.org/spec/lti/claim/"

WRK_FORM_SCRIPT = r"""
local threads = {}
local counter = 0
function setup(thread)
  thread:set("id", #threads)
  table.insert(threads, thread)
end
function init(args)
  bodies = {}
  local n = 0
  for line in io.lines(args[1]) do
    if n % 2 == id then bodies[#bodies + 1] = line end
    n = n + 1
  end
  wrk.method = "POST"
  wrk.headers["Content-Type"] = "application/x-www-form-urlencoded"
end
function request()
  counter = counter % #bodies + 1
  return wrk.format(nil, nil, nil, bodies[counter])
end
"""
WRK_GET_SCRIPT = 'function init(args) wrk.method = "GET" end\n'


def _environment(run_dir: Path) -> str:
    return server_environment(run_dir, label="lti", target="bench-lti")


def _prepare(n: int, run_dir: Path, port: int) -> tuple[Path, Path]:
    """The organisation, course, registration, and two files of launch bodies."""
    import django

    django.setup()
    from django.core.management import call_command
    from django.db import connections
    from django.utils import timezone
    from joserfc import jwt
    from joserfc.jwk import RSAKey

    from microcred_web.learning import services as learning
    from microcred_web.lti import services as lti
    from microcred_web.lti.keys import signing_key
    from microcred_web.lti.models import LoginState
    from microcred_web.orgs import services as orgs

    call_command("migrate", "--noinput", verbosity=0)
    signing_key()  # the tool's key exists before the server starts
    organisation = orgs.organisation_create(name="Benchmark Logistics", slug="bench")
    course = learning.course_create(
        organisation=organisation,
        actor=None,
        values={"title": "Forklift basics", "language": "en", "duration_minutes": 10},
    )
    module = learning.module_create(course=course, actor=None, title="Before driving")
    learning.block_create(module=module, actor=None, kind="text", values={"body": "Check."})
    learning.course_publish(course=course, actor=None)
    key = RSAKey.generate_key(2048, parameters={"kid": "lms-1"})
    issuer = "https://lms.bench.example"
    platform = lti.platform_create(
        organisation=organisation,
        actor=None,
        values={
            "name": "Bench LMS",
            "issuer": issuer,
            "client_id": "bench-tool",
            "deployment_ids": ["1"],
            "auth_login_url": f"{issuer}/auth",
            "token_url": f"{issuer}/token",
            "jwks_static": {"keys": [dict(key.as_dict(private=False))]},
        },
    )
    started = time.perf_counter()
    files = []
    for part in ("warmup", "measured"):
        states, lines = [], []
        for i in range(n):
            state, nonce = secrets.token_urlsafe(32), secrets.token_urlsafe(32)
            states.append(
                LoginState(platform=platform, state=state, nonce=nonce, created_at=timezone.now())
            )
            now = int(time.time())
            learner = i % LEARNERS
            claims = {
                "iss": issuer,
                "aud": "bench-tool",
                "sub": f"learner-{learner}",
                "iat": now,
                "exp": now + 3600,
                "nonce": nonce,
                "name": f"Learner {learner}",
                CLAIM + "deployment_id": "1",
                CLAIM + "message_type": "LtiResourceLinkRequest",
                CLAIM + "version": "1.3.0",
                CLAIM + "roles": ["http://purl.imsglobal.org/vocab/lis/v2/membership#Learner"],
                CLAIM + "resource_link": {"id": "forklift-1"},
                CLAIM + "context": {"id": "course-1", "title": "Induction"},
                CLAIM + "custom": {"course": str(course.public_id)},
            }
            token = jwt.encode({"alg": "RS256", "kid": "lms-1"}, claims, key)
            lines.append(urlencode({"id_token": token, "state": state}))
        LoginState.objects.bulk_create(states, batch_size=1000)
        path = run_dir / f"launches-{part}.txt"
        path.write_text("\n".join(lines) + "\n")
        files.append(path)
    print(f"prepared {2 * n} signed launches in {time.perf_counter() - started:.1f} s")
    connections.close_all()
    return files[0], files[1]


def _line(name: str, result: dict[str, float]) -> str:
    return (
        f"{name}: {result['rate']:.0f}/s  p50 {result['p50']:.1f} ms  p99 {result['p99']:.1f} ms  "
        f"refused {int(result['non2xx'])}"
    )


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--n", type=int, default=8000, help="launches prepared per pass")
    parser.add_argument("--seconds", type=int, default=10)
    parser.add_argument("--connections", type=int, default=32)
    parser.add_argument("--workers", type=int, default=None)
    parser.add_argument("--threads", type=int, default=None)
    args = parser.parse_args(argv)
    workers, threads = server_defaults("granian")
    args.workers = args.workers or workers
    args.threads = args.threads or threads
    print(f"load average before the run (other work on the machine): {os.getloadavg()[0]:.2f}")
    run_dir = ROOT / "var" / "bench" / f"lti-{time.strftime('%Y%m%d-%H%M%S')}-{os.getpid()}"
    run_dir.mkdir(parents=True)
    bench_db = _environment(run_dir)
    sys.path.insert(0, str(ROOT / "src"))
    port = _free_port()
    print(
        f"database: postgresql ({bench_db})  connections: {args.connections}  "
        f"granian: {args.workers} workers × {args.threads} threads  cores: {os.cpu_count()}"
    )
    warmup_bodies, measured_bodies = _prepare(args.n, run_dir, port)
    form_script = run_dir / "launch.lua"
    form_script.write_text(WRK_FORM_SCRIPT)
    get_script = run_dir / "get.lua"
    get_script.write_text(WRK_GET_SCRIPT)
    env = {**os.environ, "PYTHONPATH": str(ROOT / "src")}
    server = subprocess.Popen(
        server_command("granian", port=port, workers=args.workers, threads=args.threads),
        env=env,
        cwd=ROOT,
    )
    try:
        _wait_ready(port, time.monotonic() + 60)
        base = f"http://127.0.0.1:{port}"
        baseline = _wrk(
            f"{base}/lti/jwks.json",
            warmup_bodies,
            get_script,
            seconds=5,
            connections=args.connections,
        )
        print(_line("baseline GET /lti/jwks.json", baseline))
        warm = _wrk(
            f"{base}/lti/launch/",
            warmup_bodies,
            form_script,
            seconds=5,
            connections=args.connections,
        )
        print(_line("warm-up launches (first launches create the accounts)", warm))
        result = _wrk(
            f"{base}/lti/launch/",
            measured_bodies,
            form_script,
            seconds=args.seconds,
            connections=args.connections,
        )
        print(_line("launches", result))
    finally:
        server.terminate()
        server.wait(timeout=30)
    if result["total"] > args.n:
        print(f"warning: {result['total']} launches exceed the {args.n} prepared (replays)")
    print(f"launch cost vs key set baseline: {baseline['rate'] / max(result['rate'], 1):.1f}×")
    if result["non2xx"]:
        print(f"{int(result['non2xx'])} launches were refused")
        return 1
    print(f"launches/s: {result['rate']:.0f}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
