"""Run in a subprocess against a restored installation: prints what survived, as JSON.

Every credential is verified with the site's own verification; every issuer key is unsealed
and must match its published public key; every media file's sha256 is listed.
"""

from __future__ import annotations

import hashlib
import json
from pathlib import Path

import django


def main() -> None:
    django.setup()
    from django.conf import settings
    from django.utils import timezone

    from microcred_web.issuing.models import Credential, IssuerKey
    from microcred_web.issuing.signing import signing_key_for
    from microcred_web.issuing.verification import credential_verify

    now = timezone.now()
    verdicts = {
        str(credential.public_id): credential_verify(credential.signed_json, now=now).verdict
        for credential in Credential.objects.all()
    }
    keys_match = {}
    active = IssuerKey.objects.filter(retired_at__isnull=True, compromised_after__isnull=True)
    for key in active.select_related("organisation"):
        used, pair = signing_key_for(organisation=key.organisation)
        message = b"restored key check"
        keys_match[key.key_id] = used.pk == key.pk and pair.public.verify(
            pair.sign(message), message
        )
    media_root = Path(settings.MEDIA_ROOT)
    media = {
        path.relative_to(media_root).as_posix(): hashlib.sha256(path.read_bytes()).hexdigest()
        for path in media_root.rglob("*")
        if path.is_file()
    }
    print(json.dumps({"verdicts": verdicts, "keys": keys_match, "media": media}))


if __name__ == "__main__":
    main()
