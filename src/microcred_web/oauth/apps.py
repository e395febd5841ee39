from __future__ import annotations

from django.apps import AppConfig


class OAuthConfig(AppConfig):
    name = "microcred_web.oauth"
    label = "oauth"

    def ready(self) -> None:
        from django.db.models.signals import post_delete, post_save
        from oauth2_provider.models import get_access_token_model

        from microcred_web.oauth.token_cache import on_token_row_changed

        model = get_access_token_model()
        post_save.connect(on_token_row_changed, sender=model, dispatch_uid="oauth-token-cache-save")
        post_delete.connect(
            on_token_row_changed, sender=model, dispatch_uid="oauth-token-cache-delete"
        )
