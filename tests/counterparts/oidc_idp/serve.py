"""Run the test OpenID Provider: ``python serve.py serve PORT`` or ``python serve.py seed JSON``.

``serve`` migrates its SQLite database (``IDP_DB``) and runs Django's development server on
127.0.0.1:PORT. ``seed`` adds clients and users from a JSON object::

    {"clients": [{"client_id": "...", "client_secret": "...", "redirect_uris": ["..."]}],
     "users": [{"username": "...", "password": "...", "email": "...", "name": "...",
                "groups": ["..."], "email_verified": true}]}
"""

from __future__ import annotations

import json
import os
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ["DJANGO_SETTINGS_MODULE"] = "oidc_idp.idp_settings"


def seed(spec: dict) -> None:
    from django.contrib.auth.models import Group, User
    from oauth2_provider.models import Application

    for client in spec.get("clients", []):
        Application.objects.filter(client_id=client["client_id"]).delete()
        Application.objects.create(
            name=client["client_id"],
            client_id=client["client_id"],
            client_secret=client["client_secret"],
            client_type=Application.CLIENT_CONFIDENTIAL,
            authorization_grant_type=Application.GRANT_AUTHORIZATION_CODE,
            redirect_uris=" ".join(client["redirect_uris"]),
            post_logout_redirect_uris=" ".join(client.get("post_logout_redirect_uris", [])),
            algorithm=Application.RS256_ALGORITHM,
            skip_authorization=True,
        )
    for person in spec.get("users", []):
        user, _created = User.objects.get_or_create(username=person["username"])
        first, _, last = person.get("name", "").partition(" ")
        user.first_name = first
        user.last_name = "unverified" if not person.get("email_verified", True) else last
        user.email = person["email"]
        user.set_password(person["password"])
        user.save()
        user.groups.set([Group.objects.get_or_create(name=g)[0] for g in person["groups"]])


def main() -> None:
    import django
    from django.core.management import call_command

    django.setup()
    command = sys.argv[1]
    if command == "seed":
        seed(json.loads(sys.argv[2]))
    elif command == "serve":
        call_command("migrate", verbosity=0, interactive=False)
        call_command("runserver", f"127.0.0.1:{sys.argv[2]}", use_reloader=False, verbosity=0)
    else:
        raise SystemExit(f"unknown command {command!r}")


if __name__ == "__main__":
    main()
