"""``microcred-admin apikey_create --org SLUG [--name NAME]``: print a new API key once."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from microcred_web.issuing.services import api_key_create
from microcred_web.orgs.models import Organisation


class Command(BaseCommand):
    help = "Create an API key for an organisation and print it (it is not shown again)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--org", required=True, help="the organisation's short name (slug)")
        parser.add_argument("--name", default="command line", help="a name to recognise the key")

    def handle(self, *args: Any, **options: Any) -> None:
        organisation = Organisation.objects.filter(slug=options["org"]).first()
        if organisation is None:
            raise CommandError(f"No organisation {options['org']!r}.")
        _key, secret = api_key_create(organisation=organisation, actor=None, name=options["name"])
        self.stdout.write(secret)
