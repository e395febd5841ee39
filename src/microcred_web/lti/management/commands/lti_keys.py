"""``manage.py lti_keys rotate`` makes a new tool signing key (the old one stays published
for 30 days); ``lti_keys prune`` forgets old LTI login states and nonces; ``lti_keys show``
lists the published key ids."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandParser

from microcred_web.lti.keys import published_key_set, tool_key_rotate
from microcred_web.lti.services import states_prune


class Command(BaseCommand):
    help = "Rotate the LTI tool key, prune old LTI login states, or show the published keys."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("action", choices=["rotate", "prune", "show"])

    def handle(self, *args: Any, **options: Any) -> None:
        if options["action"] == "rotate":
            key = tool_key_rotate()
            self.stdout.write(f"new signing key {key.kid}")
        elif options["action"] == "prune":
            self.stdout.write(f"removed {states_prune()} old login states and nonces")
        for key in published_key_set()["keys"]:
            self.stdout.write(f"published {key['kid']}")
