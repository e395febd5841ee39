from __future__ import annotations

from django.urls import path

from microcred_web.orgs import views, views_audit, views_import, views_teams

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
    path("people/import/", views_import.people_import_upload, name="people_import"),
    path(
        "people/import/<int:import_id>/",
        views_import.people_import_preview,
        name="people_import_preview",
    ),
    path(
        "people/import/<int:import_id>/apply/",
        views_import.people_import_apply,
        name="people_import_apply",
    ),
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
    path("teams/", views_teams.teams, name="teams"),
    path("teams/new/", views_teams.team_new, name="team_new"),
    path("teams/<int:team_id>/", views_teams.team_edit, name="team_edit"),
    path("teams/<int:team_id>/members/add/", views_teams.team_members_add, name="team_members_add"),
    path(
        "teams/<int:team_id>/members/remove/",
        views_teams.team_members_remove,
        name="team_members_remove",
    ),
    path(
        "teams/<int:team_id>/members/paste/",
        views_teams.team_members_paste,
        name="team_members_paste",
    ),
    path("teams/<int:team_id>/delete/", views.team_delete, name="team_delete"),
    path("settings/", views.settings_view, name="settings"),
    path("audit/", views_audit.audit, name="audit"),
    path("audit/export.csv", views_audit.audit_export, name="audit_export"),
]
