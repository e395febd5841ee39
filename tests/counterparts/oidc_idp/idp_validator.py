"""Claims of the test provider: name, e-mail (verified unless the user's last name says
``unverified``) and the names of the user's Django groups as ``groups``."""

from __future__ import annotations

from typing import Any

from oauth2_provider.oauth2_validators import OAuth2Validator


class GroupsValidator(OAuth2Validator):
    oidc_claim_scope = {**OAuth2Validator.oidc_claim_scope, "groups": "profile"}

    def get_additional_claims(self, request: Any) -> dict[str, Any]:
        user = request.user
        return {
            "name": user.get_full_name() or user.username,
            "email": user.email,
            "email_verified": user.last_name != "unverified",
            "groups": sorted(user.groups.values_list("name", flat=True)),
        }
