"""Assessment URLs, mounted at the site root: /o/<slug>/... (org_view) and the public
/evidence/<uuid>/ page a credential's evidence links to."""

from __future__ import annotations

from django.urls import path

from microcred_web.assessments import views, views_expiries, views_referee, views_setup

app_name = "assessments"

ORG = "o/<slug:slug>/"
EVIDENCE = ORG + "evidence/<int:assessment_id>/"
REVIEW = ORG + "assessments/<int:assessment_id>/"

urlpatterns = [
    path(ORG + "evidence/", views.my_evidence, name="my_evidence"),
    path(ORG + "evidence/start/<int:requirement_id>/", views.evidence_start, name="evidence_start"),
    path(EVIDENCE, views.evidence_detail, name="evidence_detail"),
    path(EVIDENCE + "upload/", views.evidence_upload, name="evidence_upload"),
    path(
        EVIDENCE + "files/<int:file_id>/remove/",
        views.evidence_file_remove,
        name="evidence_file_remove",
    ),
    path(EVIDENCE + "dispute/", views.evidence_dispute, name="evidence_dispute"),
    path(EVIDENCE + "countersign/", views.evidence_countersign, name="evidence_countersign"),
    path(ORG + "evidence-files/<uuid:file_id>/", views.evidence_file, name="evidence_file"),
    path(ORG + "assessments/queue/", views.queue, name="queue"),
    path(REVIEW, views.review, name="review"),
    path(REVIEW + "assign/", views.assign, name="assign"),
    path(REVIEW + "moderate/", views.moderate, name="moderate"),
    path(REVIEW + "moderation/", views.moderation_request, name="moderation_request"),
    path(ORG + "assessments/requirements/", views_setup.requirements, name="requirements"),
    path(
        ORG + "assessments/requirements/<int:requirement_id>/",
        views_setup.requirement,
        name="requirement",
    ),
    path(ORG + "assessments/settings/", views_setup.policy, name="policy"),
    path(ORG + "observations/", views_setup.observation, name="observation"),
    path(ORG + "team-expiries/", views_setup.team_expiries, name="team_expiries"),
    path(
        ORG + "team-expiries/<int:credential_id>/refresher/",
        views_expiries.expiry_assign_refresher,
        name="expiry_assign_refresher",
    ),
    path(
        ORG + "team-expiries/<int:credential_id>/nudge/",
        views_expiries.expiry_send_nudge,
        name="expiry_send_nudge",
    ),
    path("evidence/<uuid:public_id>/", views.public_evidence, name="public_evidence"),
    path("referee/<str:token>/", views_referee.referee, name="referee"),
]
