from __future__ import annotations

from django.urls import include, path

from microcred_web.accounts import views as account_views
from microcred_web.api.api import api
from microcred_web.common import views as common_views
from microcred_web.issuing import views_public as issuing_public
from microcred_web.issuing.api import vc_api, vc_api_presentations
from microcred_web.oauth import views as oauth_views
from microcred_web.ob3.api import ob3_urls
from microcred_web.orgs import views as org_views
from microcred_web.verifier import contexts as verifier_contexts

urlpatterns = [
    path("", org_views.home, name="home"),
    path("healthz", common_views.healthz, name="healthz"),
    path("readyz", common_views.readyz, name="readyz"),
    path("language/", account_views.language_set, name="language_set"),
    path("accounts/", include("microcred_web.accounts.urls")),
    path("", include("microcred_web.mfa.urls")),  # accounts/security/, accounts/sessions/…
    path("invitations/<str:link_token>/", org_views.invitation_accept, name="invitation_accept"),
    path("o/<slug:slug>/", include("microcred_web.orgs.urls")),
    path("o/<slug:slug>/bulk/", include("microcred_web.bulk.urls")),
    path("o/<slug:slug>/log/", include("microcred_web.transparency.urls")),
    path("credentials/<uuid:public_id>/", include("microcred_web.rendering.urls")),
    path("api/v1/", api.urls),
    path("oauth/", include("microcred_web.oauth.urls")),
    path(
        ".well-known/oauth-authorization-server",
        oauth_views.server_metadata,
        name="oauth_server_metadata",
    ),
    path("ims/ob/v3p0/", ob3_urls()),  # 1EdTech Open Badges 3.0 API
    path("verify/", include("microcred_web.verifier.urls")),
    path("", include("microcred_web.wallet_protocols.urls")),  # OpenID4VCI, VC-API exchanges
    path("contexts/", verifier_contexts.context_index, name="context_index"),
    path("contexts/<path:name>", verifier_contexts.context_document, name="context"),
    path(".well-known/did.json", issuing_public.host_did_json, name="host_did_json"),
    path("", include("microcred_web.achievements.urls")),
    path("", include("microcred_web.issuing.urls")),
    path("", include("microcred_web.learning.urls")),
    path("", include("microcred_web.awards.urls")),
    path("", include("microcred_web.pathways.urls")),
    path("", include("microcred_web.ob3client.urls")),  # before the wallet's own wallet/ URLs
    path("", include("microcred_web.wallet.urls")),
    path("", include("microcred_web.skills.urls")),
    path("", include("microcred_web.assessments.urls")),
    path("", include("microcred_web.notifications.urls")),
    path("", include("microcred_web.webhooks.urls")),
    path("", include("microcred_web.trustlists.urls")),
    path("", include("microcred_web.sso.urls")),
    path("", include("microcred_web.scim.urls")),  # SCIM 2.0 at /scim/v2/
    path("", include("microcred_web.reports.urls")),
    path("", include("microcred_web.instance.urls")),
    path("", include("microcred_web.lti.urls")),
    path("", include("microcred_web.xapi.urls")),  # xAPI statements (LRS subset)
    path("", include("microcred_web.calendars.urls")),  # due dates as ICS feeds
    path("credentials/", vc_api.urls),  # W3C VC-API: /credentials/issue, /credentials/verify
    path("presentations/", vc_api_presentations.urls),  # W3C VC-API: /presentations/verify
]
