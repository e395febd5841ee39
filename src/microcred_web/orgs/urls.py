from __future__ import annotations

from django.urls import path

from microcred_web.orgs import views, views_audit

app_name = "orgs"

# Every pattern here is mounted under /o/<slug:slug>/ and every view is wrapped by org_view.
urlpatterns = [
    path("", views.dashboard, name="dashboard"),
    path("logo", views.logo, name="logo"),
    path("learning/", views.learning, name="learning"),
    path("my-team/", views.my_team, name="my_team"),
    path("assessments/", views.assessments, name="assessments"),
    path("issuing/", views.issuing, name="issuing"),
    path("people/", views.people, name="people"),
    path("people/invite/", views.invite, name="invite"),
    path("people/<int:membership_id>/", views.person, name="person"),
    path(
        "people/<int:membership_id>/deactivate/",
        views.person_deactivate,
        name="person_deactivate",
    ),
    path(
        "people/<int:membership_id>/reactivate/",
        views.person_reactivate,
        name="person_reactivate",
    ),
    path(
        "invitations/<int:invitation_id>/revoke/",
        views.invitation_revoke,
        name="invitation_revoke",
    ),
    path("teams/", views.teams, name="teams"),
    path("teams/new/", views.team_new, name="team_new"),
    path("teams/<int:team_id>/", views.team_edit, name="team_edit"),
    path("teams/<int:team_id>/delete/", views.team_delete, name="team_delete"),
    path("settings/", views.settings_view, name="settings"),
    path("audit/", views_audit.audit, name="audit"),
    path("audit/export.csv", views_audit.audit_export, name="audit_export"),
]
