"""Public verification API under load: granian (DEBUG off) + PostgreSQL, driven by wrk.

    python -m benchmarks.verify [--n 200] [--seconds 15] [--connections 64]
                                [--server granian|gunicorn] [--workers 2] [--threads 8]

DATABASE_URL must name a PostgreSQL server (default postgres://postgres@127.0.0.1:5432/microcred);
a fresh database named after it with the suffix ``_verify_bench`` is dropped and created again
(the database in the URL is not touched). The run:

1. migrates, creates an organisation and issues ``--n`` realistic credentials with the app's own
   services (one in ten then revoked, so status bits matter);
2. starts the production server (granian, WSGI; ``--server gunicorn`` for the former gthread
   set-up) with the production settings module (DEBUG off) on a free port;
3. baseline: the same credentials against the VC-API ``POST /credentials/verify`` (the engine's
   full verification on every request, API-key authenticated);
4. the public ``POST /verify/api`` with the same bodies: a warm-up pass, then the measured run.

Load comes from ``wrk`` (Debian package; ``make bench-verify`` installs it) cycling through the
credentials at ``--connections`` concurrent connections. The verify API's per-client rate limit
is raised for the run (every wrk connection comes from one address). Prints throughput and
latency for both, the CPU time per verification of the server, the PostgreSQL backends and wrk
during the measured run (Linux), the load average before and during the run, whether every
answered verification's analytics event reached the database once the server has stopped
and, as its last line, ``verifications/s: X p50_ms: Y p99_ms: Z`` for the public API.
"""

from __future__ import annotations

import argparse
import json
import os
import re
import shutil
import signal
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

from benchmarks.fresh_database import server_environment

ROOT = Path(__file__).resolve().parent.parent

WRK_SCRIPT = r"""
local bodies = {}
local counter = 0
function init(args)
  for line in io.lines(args[1]) do bodies[#bodies + 1] = line end
  counter = math.random(#bodies)
  wrk.method = "POST"
  wrk.headers["Content-Type"] = "application/json"
  if args[2] then wrk.headers["Authorization"] = "Bearer " .. args[2] end
end
function request()
  counter = counter % #bodies + 1
  return wrk.format(nil, nil, nil, bodies[counter])
end
"""


def _environment(run_dir: Path) -> str:
    bench = server_environment(run_dir, label="verify", target="bench-verify")
    os.environ["MICROCRED_VERIFY_RATE"] = "1000000"  # one address drives all the load
    os.environ["MICROCRED_VERIFY_BURST"] = "1000000"
    return bench


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def _issue(n: int, run_dir: Path) -> tuple[Path, Path, str]:
    """Issue ``n`` credentials; write the bodies for both endpoints; return an API key."""
    import django

    django.setup()
    from django.core.management import call_command

    from microcred_web.achievements import services as achievements
    from microcred_web.issuing import services as issuing
    from microcred_web.issuing.services import RecipientInput
    from microcred_web.orgs import services as orgs

    call_command("migrate", "--noinput", verbosity=0)
    organisation = orgs.organisation_create(name="Benchmark Logistics", slug="bench")
    achievement = achievements.achievement_create(
        organisation=organisation,
        actor=None,
        values={
            "name": "Forklift Operation",
            "description": "Operates counterbalance and reach forklifts safely in a warehouse.",
            "criteria": "Passed the **practical** assessment and the written safety test.",
            "achievement_type": "Certificate",
            "tags": ["safety", "warehouse"],
            "alignments": [
                {
                    "framework": "ESCO",
                    "code": "S8.1",
                    "name": "operate forklift",
                    "url": "https://esco.example/skill/forklift",
                }
            ],
            "learning_outcomes": "Inspect the truck\nLoad and unload safely",
        },
    )
    version = achievements.achievement_publish(achievement=achievement, actor=None)
    started = time.perf_counter()
    credentials = []
    for first in range(0, n, 500):
        credentials += issuing.credentials_issue(
            organisation=organisation,
            achievement_version=version,
            recipients=[
                RecipientInput(
                    email=f"learner{i}@example.com",
                    name=f"Learner Ñúmero {i}",
                    result=[{"value": str(50 + i % 50)}],
                    evidence=[{"id": f"https://lms.example/evidence/{i}", "narrative": "Observed"}],
                )
                for i in range(first, min(n, first + 500))
            ],
            actor=None,
            source="bench",
            deliver=False,
        )
    for credential in credentials[::10]:
        issuing.credential_revoke(credential=credential, actor=None, reason="Benchmark revocation")
    print(f"issued {len(credentials)} credentials in {time.perf_counter() - started:.1f} s")
    _api_key, secret = issuing.api_key_create(organisation=organisation, actor=None, name="bench")
    public = run_dir / "verify-bodies.jsonl"
    vc_api = run_dir / "vc-api-bodies.jsonl"
    with public.open("w") as out_public, vc_api.open("w") as out_vc:
        for credential in credentials:
            document = json.loads(credential.signed_json)
            out_public.write(json.dumps(document, separators=(",", ":")) + "\n")
            out_vc.write(json.dumps({"verifiableCredential": document}) + "\n")
    from django.db import connections

    connections.close_all()
    return public, vc_api, secret


def server_defaults(server: str) -> tuple[int, int]:
    """(processes, threads per process) the production commands use on this machine."""
    if server == "granian":
        from microcred_web.common.serving import default_threads, default_workers

        return default_workers(), default_threads()
    return os.cpu_count() or 2, 4


def server_command(server: str, *, port: int, workers: int, threads: int) -> list[str]:
    """The command line serving the WSGI app on 127.0.0.1:``port``."""
    if server == "granian":
        from microcred_web.common.serving import granian_command

        return granian_command(
            host="127.0.0.1", port=port, workers=workers, threads=threads, access_log=False
        )
    return [
        sys.executable,
        "-m",
        "gunicorn",
        "microcred_web.config.wsgi:application",
        "--bind",
        f"127.0.0.1:{port}",
        "--workers",
        str(workers),
        "--worker-class",
        "gthread",
        "--threads",
        str(threads),
        "--backlog",
        "2048",
        "--keep-alive",
        "30",
        "--log-level",
        "warning",
    ]


def _wait_ready(port: int, deadline: float) -> None:
    while time.monotonic() < deadline:
        try:
            with urllib.request.urlopen(f"http://127.0.0.1:{port}/healthz", timeout=1):
                return
        except OSError:
            time.sleep(0.2)
    raise SystemExit("the server did not start")


_DURATION = {"us": 1e-3, "ms": 1.0, "s": 1000.0, "m": 60_000.0}


def _ms(text: str) -> float:
    match = re.fullmatch(r"([\d.]+)(us|ms|s|m)", text.strip())
    if match is None:
        raise ValueError(text)
    return float(match[1]) * _DURATION[match[2]]


def _wrk(
    url: str, bodies: Path, script: Path, *, seconds: int, connections: int, key: str = ""
) -> dict[str, float]:
    command = [
        "wrk",
        "--latency",
        "-t",
        "2",
        "-c",
        str(connections),
        "-d",
        f"{seconds}s",
        "--timeout",
        "10s",
        "-s",
        str(script),
        url,
        "--",
        str(bodies),
    ]
    if key:
        command.append(key)
    output = subprocess.run(command, capture_output=True, text=True, check=True).stdout
    rate = float(re.search(r"Requests/sec:\s+([\d.]+)", output)[1])  # type: ignore[index]
    p50 = _ms(re.search(r"\s50%\s+(\S+)", output)[1])  # type: ignore[index]
    p99 = _ms(re.search(r"\s99%\s+(\S+)", output)[1])  # type: ignore[index]
    total = int(re.search(r"(\d+) requests in", output)[1])  # type: ignore[index]
    mean = _ms(re.search(r"Latency\s+(\S+)", output)[1])  # type: ignore[index]
    bad = re.search(r"Non-2xx or 3xx responses:\s+(\d+)", output)
    errors = re.search(r"Socket errors:.*", output)
    return {
        "rate": rate,
        "p50": p50,
        "p99": p99,
        "mean": mean,
        "total": total,
        "non2xx": int(bad[1]) if bad else 0,
        "socket_errors": errors[0] if errors else "",  # type: ignore[dict-item]
    }


def _process_tree(root: int) -> list[int]:
    """``root`` and its descendants (Linux ``/proc``; empty elsewhere)."""
    children: dict[int, list[int]] = {}
    proc = Path("/proc")
    if not proc.is_dir():
        return []
    for entry in proc.iterdir():
        if not entry.name.isdigit():
            continue
        try:
            ppid = int((entry / "stat").read_text().rsplit(")", 1)[1].split()[1])
        except (OSError, IndexError, ValueError):
            continue
        children.setdefault(ppid, []).append(int(entry.name))
    found, todo = [], [root]
    while todo:
        pid = todo.pop()
        found.append(pid)
        todo += children.get(pid, [])
    return found


def _cpu_seconds(pids: list[int]) -> float:
    """User + system CPU time of ``pids`` so far (processes that are gone count 0)."""
    total = 0.0
    for pid in pids:
        try:
            fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        total += (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")
    return total


def _machine_busy_seconds() -> float:
    """CPU seconds all processes of the machine have used so far (``/proc/stat``), or 0."""
    try:
        fields = Path("/proc/stat").read_text().split("\n", 1)[0].split()[1:]
    except OSError:
        return 0.0
    user, nice, system, _idle, _iowait, irq, softirq, steal = (int(f) for f in fields[:8])
    return (user + nice + system + irq + softirq + steal) / os.sysconf("SC_CLK_TCK")


def _backends() -> list[int]:
    """The PostgreSQL backends connected to the benchmark database (the server's)."""
    import psycopg

    with psycopg.connect(os.environ["DATABASE_URL"], autocommit=True) as connection:
        rows = connection.execute(
            "SELECT pid FROM pg_stat_activity "
            "WHERE datname = current_database() AND pid <> pg_backend_pid()"
        ).fetchall()
    return [int(row[0]) for row in rows]


def _check_events(runs: list[dict[str, float]], connections: int) -> None:
    """Every answered verification left its analytics event (written by the server's queued
    writers, the last ones when it stopped). wrk counts only the answers it saw before each
    run ended; each run leaves at most one request per connection in flight, also recorded."""
    from microcred_web.analytics.models import CredentialEvent  # Django is set up (_issue)

    answered = sum(int(run["total"]) for run in runs)
    slack = connections * len(runs)
    recorded = CredentialEvent.objects.filter(kind="verify").count()
    verdict = "all recorded" if answered <= recorded <= answered + slack else "WARNING: mismatch"
    print(
        f"verification events in the database: {recorded:,} for {answered:,} answers wrk "
        f"counted (+ at most {slack} in flight when its runs stopped): {verdict}"
    )


def _line(name: str, result: dict[str, float]) -> str:
    extra = f"  non-2xx: {result['non2xx']}" if result["non2xx"] else ""
    if result["socket_errors"]:
        extra += f"  {result['socket_errors']}"
    return (
        f"{name:<34} {result['rate']:>9.1f} req/s  p50 {result['p50']:7.2f} ms  "
        f"p99 {result['p99']:7.2f} ms  ({int(result['total'])} requests){extra}"
    )


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--n", type=int, default=200, help="credentials issued and cycled")
    parser.add_argument("--seconds", type=int, default=15, help="measured run length")
    parser.add_argument("--baseline-seconds", type=int, default=8)
    parser.add_argument("--connections", type=int, default=64)
    parser.add_argument("--server", choices=("granian", "gunicorn"), default="granian")
    parser.add_argument("--workers", type=int, default=None, help="processes (default: cores)")
    parser.add_argument("--threads", type=int, default=None, help="threads per process")
    parser.add_argument("--warmup-rounds", type=int, default=8)
    args = parser.parse_args(argv)
    defaults = server_defaults(args.server)
    args.workers = args.workers or defaults[0]
    args.threads = args.threads or defaults[1]
    if shutil.which("wrk") is None:
        raise SystemExit("wrk is missing: apt-get install -y wrk (make bench-verify does it)")

    print(f"load average before the run (other work on the machine): {os.getloadavg()[0]:.2f}")
    run_dir = ROOT / "var" / "bench" / f"verify-{time.strftime('%Y%m%d-%H%M%S')}-{os.getpid()}"
    run_dir.mkdir(parents=True)
    bench_db = _environment(run_dir)
    sys.path.insert(0, str(ROOT / "src"))
    print(
        f"database: postgresql ({bench_db})  credentials: {args.n}  "
        f"connections: {args.connections}  {args.server}: {args.workers} workers × "
        f"{args.threads} threads  cores: {os.cpu_count()}"
    )
    public_bodies, vc_bodies, api_key = _issue(args.n, run_dir)
    script = run_dir / "post.lua"
    script.write_text(WRK_SCRIPT)

    port = _free_port()
    env = {**os.environ, "PYTHONPATH": str(ROOT / "src")}
    server = subprocess.Popen(
        server_command(args.server, port=port, workers=args.workers, threads=args.threads),
        env=env,
        cwd=ROOT,
    )
    try:
        _wait_ready(port, time.monotonic() + 60)
        base = f"http://127.0.0.1:{port}"
        baseline = _wrk(
            f"{base}/credentials/verify",
            vc_bodies,
            script,
            seconds=args.baseline_seconds,
            connections=args.connections,
            key=api_key,
        )
        print(_line("baseline VC-API /credentials/verify", baseline))
        # warm-up: until every worker has seen every credential (its caches are full), i.e.
        # until the warm-up rate stops rising; at most --warmup-rounds rounds of 5 s
        best = 0.0
        public_runs: list[dict[str, float]] = []
        for _round in range(args.warmup_rounds):
            warm = _wrk(
                f"{base}/verify/api", public_bodies, script, seconds=5, connections=args.connections
            )
            public_runs.append(warm)
            print(_line("warm-up /verify/api", warm))
            if warm["rate"] < best * 1.1 and warm["total"] > 4 * args.n:
                break
            best = max(best, warm["rate"])
        # CPU time of each party during the measured run, per verification
        server_pids, backend_pids = _process_tree(server.pid), _backends()
        cpu_before = (_cpu_seconds(server_pids), _cpu_seconds(backend_pids), os.times())
        busy_before, started = _machine_busy_seconds(), time.monotonic()
        result = _wrk(
            f"{base}/verify/api",
            public_bodies,
            script,
            seconds=args.seconds,
            connections=args.connections,
        )
        public_runs.append(result)
        cpu_after = (_cpu_seconds(server_pids), _cpu_seconds(backend_pids), os.times())
        busy, elapsed = _machine_busy_seconds() - busy_before, time.monotonic() - started
        print(_line("public /verify/api", result))
        # Little's law: a closed loop of N connections keeps N requests in flight, so mean
        # latency × throughput ≈ N. Far less means some connections were not being served
        # (their waiting requests never completed, so the latency figures leave them out).
        in_flight = result["mean"] / 1000 * result["rate"]
        print(
            f"requests in flight (mean latency × throughput): {in_flight:.1f} of "
            f"{args.connections} connections"
            + ("" if in_flight >= 0.8 * args.connections else "  WARNING: connections starved")
        )
        n = max(1, int(result["total"]))
        wrk_cpu = (cpu_after[2].children_user + cpu_after[2].children_system) - (
            cpu_before[2].children_user + cpu_before[2].children_system
        )
        shares = {
            "server": cpu_after[0] - cpu_before[0],
            "PostgreSQL backends": cpu_after[1] - cpu_before[1],
            "wrk": wrk_cpu,
        }
        total_ms = 1000 * sum(shares.values()) / n
        print(
            "CPU per verification: "
            + ", ".join(f"{name} {1000 * value / n:.3f} ms" for name, value in shares.items())
            + f" (total {total_ms:.3f} ms: {os.cpu_count() or 1} idle cores would allow about "
            f"{1000 * (os.cpu_count() or 1) / max(total_ms, 1e-9):,.0f}/s)"
        )
        if busy > 0:
            others = max(0.0, busy - sum(shares.values())) / elapsed
            print(
                f"cores busy with other work while measuring: {others:.2f} "
                f"of {os.cpu_count()} (everything but this server, its database backends and wrk)"
            )
        print(
            f"speed-up over the baseline: {result['rate'] / baseline['rate']:.1f}×  "
            f"target ≥ 1000 req/s with p99 ≤ 50 ms: "
            f"{'met' if result['rate'] >= 1000 and result['p99'] <= 50 else 'NOT met'}"
        )
        print(f"load average while measuring: {os.getloadavg()[0]:.2f} (other processes share it)")
    finally:
        server.send_signal(signal.SIGTERM)
        try:
            server.wait(timeout=20)
        except subprocess.TimeoutExpired:
            server.kill()
    _check_events(public_runs, args.connections)
    print(
        f"verifications/s: {result['rate']:.0f} p50_ms: {result['p50']:.2f} "
        f"p99_ms: {result['p99']:.2f}"
    )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
