"""xAPI ingestion benchmark: batches of statements through the real LRS write path
(checking, storing, applying to the learning record), no HTTP.

    .venv/bin/python -m benchmarks.xapi                       # 20 batches of 500
    .venv/bin/python -m benchmarks.xapi --batches 4 --size 250
    DATABASE_URL=postgres://… .venv/bin/python -m benchmarks.xapi

Without ``DATABASE_URL`` a fresh SQLite database under var/bench/ is used. Set-up (migrate,
one organisation, 50 members, a published course and its quiz) is not counted. Each batch
mixes quiz scores (applied), course completions (applied) and statements about outside
activities (stored only). The last line is ``statements/s: X``.
"""

from __future__ import annotations

import argparse
import os
import time
import uuid
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--batches", type=int, default=20)
    parser.add_argument("--size", type=int, default=500)
    args = parser.parse_args()
    database = ROOT / "var" / "bench" / "xapi.sqlite3"
    database.parent.mkdir(parents=True, exist_ok=True)
    if "DATABASE_URL" not in os.environ and database.exists():
        database.unlink()
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "microcred_web.config.settings")
    os.environ.setdefault("DATABASE_URL", f"sqlite:///{database}")
    import django

    django.setup()
    from django.conf import settings
    from django.core.management import call_command

    settings.TASKS = {"default": {"BACKEND": "django_tasks.backends.dummy.DummyBackend"}}
    call_command("migrate", verbosity=0)
    from microcred_web.accounts.models import User
    from microcred_web.learning import records, services
    from microcred_web.orgs import services as org_services
    from microcred_web.xapi import clients
    from microcred_web.xapi import services as xapi_services
    from microcred_web.xapi.statements import statements_check

    org = org_services.organisation_create(name="Bench", slug=f"bench-{uuid.uuid4().hex[:6]}")
    admin = User.objects.create_user(f"admin-{org.slug}@bench.example", "x" * 12)
    org_services.membership_add(organisation=org, user=admin, roles=("admin", "issuer"))
    emails = []
    for number in range(50):
        user = User.objects.create_user(f"p{number}-{org.slug}@bench.example", "x" * 12)
        org_services.membership_add(organisation=org, user=user, roles=("learner",))
        emails.append(user.email)
    course = services.course_create(
        organisation=org,
        actor=admin,
        values={"title": "Bench course", "language": "en", "duration_minutes": 10, "credits": "1"},
    )
    quiz = services.quiz_create(
        course=course,
        actor=admin,
        values={
            "title": "Bench quiz",
            "pass_mark": 80,
            "questions_per_attempt": 1,
            "max_attempts": 3,
        },
    )
    client, _secret = clients.client_create(organisation=org, name="bench", actor=admin)
    verbs = ("scored", "completed", "experienced")

    def batch(size: int) -> list[dict[str, object]]:
        items: list[dict[str, object]] = []
        for index in range(size):
            verb = verbs[index % 3]
            target = {
                "scored": records.quiz_iri(quiz.public_id),
                "completed": records.course_iri(course.public_id),
                "experienced": f"https://tool.example/video/{index}",
            }[verb]
            items.append(
                {
                    "id": str(uuid.uuid4()),
                    "actor": {"mbox": f"mailto:{emails[index % len(emails)]}"},
                    "verb": {"id": f"http://adlnet.gov/expapi/verbs/{verb}"},
                    "object": {"id": target},
                    "result": {"score": {"scaled": 0.9}, "success": True},
                }
            )
        return items

    payloads = [batch(args.size) for _ in range(args.batches)]
    started = time.perf_counter()
    for payload in payloads:
        xapi_services.statements_store(
            client=client, statements=statements_check(payload), version="1.0.3"
        )
    elapsed = time.perf_counter() - started
    total = args.batches * args.size
    print(f"{total} statements in {args.batches} batches: {elapsed:.2f} s")
    print(f"statements/s: {total / elapsed:.0f}")


if __name__ == "__main__":
    main()
