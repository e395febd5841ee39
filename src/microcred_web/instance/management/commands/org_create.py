from __future__ import annotations

from pathlib import Path
from typing import Any

from django.core.files import File
from django.core.management.base import BaseCommand, CommandError, CommandParser

from microcred_web.common.errors import ApplicationError
from microcred_web.instance.services import OrganisationSpec, organisation_create


class Command(BaseCommand):
    help = (
        "Create an organisation with its first administrator, issuer identity (did:web and an "
        "encrypted signing key) and branding. Prints the administrator's set-password link."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--name", required=True)
        parser.add_argument("--slug", required=True, help="short name in addresses and the DID")
        parser.add_argument("--admin-email", required=True)
        parser.add_argument("--admin-name", default="")
        parser.add_argument("--admin-language", default="")
        parser.add_argument("--password-file", help="file holding the admin's password")
        parser.add_argument("--issuer-name", default="")
        parser.add_argument("--issuer-url", default="")
        parser.add_argument("--country", default="")
        parser.add_argument("--language", default="en", help="the organisation's default")
        parser.add_argument("--primary-colour", default="#1f4e79")
        parser.add_argument("--accent-colour", default="#f2a900")
        parser.add_argument("--logo", help="path of a PNG or JPEG logo")
        parser.add_argument("--no-email", action="store_true", help="do not e-mail the admin")

    def handle(self, *args: Any, **options: Any) -> None:
        spec = OrganisationSpec(
            name=options["name"],
            slug=options["slug"],
            admin_email=options["admin_email"],
            admin_name=options["admin_name"],
            admin_language=options["admin_language"],
            issuer_name=options["issuer_name"],
            issuer_url=options["issuer_url"],
            country=options["country"].upper(),
            default_language=options["language"],
            primary_colour=options["primary_colour"],
            accent_colour=options["accent_colour"],
        )
        password = None
        if options["password_file"]:
            password = Path(options["password_file"]).read_text(encoding="utf-8").strip()
        logo_path = Path(options["logo"]) if options["logo"] else None
        if logo_path is not None and not logo_path.is_file():
            raise CommandError(f"logo: no such file {logo_path}")
        try:
            if logo_path is not None:
                with logo_path.open("rb") as handle:
                    created = self._create(spec, password, File(handle), options["no_email"])
            else:
                created = self._create(spec, password, None, options["no_email"])
        except ApplicationError as error:
            field = error.field.replace("_", "-") if error.field else "error"
            raise CommandError(f"{field}: {error.message}") from error
        org = created.organisation
        self.stdout.write(self.style.SUCCESS(f"Created {org.name} ({org.slug})."))
        self.stdout.write(f"Administrator: {created.admin.email}")
        if created.set_password_link:
            self.stdout.write(f"Set-password link: {created.set_password_link}")

    def _create(
        self, spec: OrganisationSpec, password: str | None, logo: File[Any] | None, no_email: bool
    ) -> Any:
        return organisation_create(
            spec=spec, admin_password=password, logo=logo, send_email=not no_email
        )
