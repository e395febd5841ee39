"""Skills URLs, mounted at the site root (organisation pages under /o/<slug>/skills/)."""

from __future__ import annotations

from django.urls import path

from microcred_web.skills import (
    views,
    views_alignments,
    views_crosswalk,
    views_evidence,
    views_public_skills,
    views_recommend,
    views_role_suggestions,
    views_roles_csv,
    views_scales,
    views_skill_credentials,
)

app_name = "skills"

S = "o/<slug:slug>/skills/"

urlpatterns = [
    path(S, views.home, name="home"),
    path(S + "import/case/", views.import_case, name="import_case"),
    path(S + "import/esco/", views.import_esco, name="import_esco"),
    path(S + "import/esco-package/", views.import_esco_package, name="import_esco_package"),
    path(S + "new/", views.skill_new, name="skill_new"),
    path(S + "groups/", views.group_save, name="group_save"),
    path(S + "roles/", views.roles, name="roles"),
    path(S + "roles/<int:role_id>/", views.role, name="role"),
    path(S + "people/<int:user_id>/roles/", views.person_role, name="person_role"),
    path(S + "mine/", views.mine, name="mine"),
    path(S + "mine/gaps/", views.gaps, name="gaps"),
    path(S + "mine/export.<str:fmt>", views.mine_export, name="mine_export"),
    path(S + "team/", views.team, name="team"),
    path(S + "team/export.<str:fmt>", views.team_export, name="team_export"),
    path(
        "o/<slug:slug>/achievements/<int:achievement_id>/skills/",
        views.alignments,
        name="alignments",
    ),
    path("skills/<uuid:public_id>/", views.public, name="public"),
    path("skills/p/<uuid:public_id>/", views_public_skills.public_person, name="public_person"),
    path(
        "skills/p/<uuid:public_id>/skills.json",
        views_public_skills.public_person_json,
        name="public_person_json",
    ),
    # recommendations, training needs, career paths (views_recommend)
    path(S + "mine/recommended/", views_recommend.recommended, name="recommended"),
    path(
        S + "mine/recommended/dismiss/",
        views_recommend.recommendation_dismiss,
        name="recommendation_dismiss",
    ),
    path(S + "mine/explore/", views_recommend.explore, name="explore"),
    path(S + "team/recommended/", views_recommend.team_recommended, name="team_recommended"),
    path(
        S + "team/recommended/assign/",
        views_recommend.recommendation_assign,
        name="recommendation_assign",
    ),
    path(S + "team/needs/", views_recommend.training_needs, name="training_needs"),
    path(S + "team/needs.csv", views_recommend.training_needs_export, name="training_needs_export"),
    path(S + "team/mobility/", views_recommend.mobility, name="mobility"),
    path(S + "roles/paths/", views_recommend.role_paths, name="role_paths"),
    path(
        S + "roles/paths/suggestions/seed/",
        views_role_suggestions.suggestions_seed,
        name="role_suggestions_seed",
    ),
    path(
        S + "roles/paths/suggestions/<int:suggestion_id>/accept/",
        views_role_suggestions.suggestion_accept,
        name="role_suggestion_accept",
    ),
    path(
        S + "roles/paths/suggestions/<int:suggestion_id>/hide/",
        views_role_suggestions.suggestion_hide,
        name="role_suggestion_hide",
    ),
    path(
        S + "roles/paths/<int:link_id>/delete/",
        views_recommend.role_link_delete,
        name="role_link_delete",
    ),
    # skill credentials (views_skill_credentials)
    path(
        S + "mine/skill-credential/",
        views_skill_credentials.skill_credential_claim,
        name="skill_credential_claim",
    ),
]

# self-assessment, visibility, endorsements, manager ratings (views_evidence)
urlpatterns += [
    path(S + "mine/rate/", views_evidence.mine_rate, name="mine_rate"),
    path(S + "mine/visibility/", views_evidence.mine_visibility, name="mine_visibility"),
    path(S + "endorsements/", views_evidence.endorsements_page, name="endorsements"),
    path(S + "endorsements/ask/", views_evidence.endorsement_ask, name="endorsement_ask"),
    path(
        S + "endorsements/<int:request_id>/answer/",
        views_evidence.endorsement_answer,
        name="endorsement_answer",
    ),
    path(S + "people/<int:user_id>/", views_evidence.person, name="person"),
    path(S + "people/<int:user_id>/rate/", views_evidence.person_rate, name="person_rate"),
]

# proficiency scales, mappings, a skill's own descriptors; people's roles in bulk (CSV)
urlpatterns += [
    path(S + "scales/", views_scales.scales, name="scales"),
    path(S + "scales/<int:scale_id>/", views_scales.scale, name="scale"),
    path(S + "scales/<int:scale_id>/default/", views_scales.scale_default, name="scale_default"),
    path(S + "scales/<int:scale_id>/delete/", views_scales.scale_delete, name="scale_delete"),
    path(
        S + "scales/<int:scale_id>/map/<int:target_id>/",
        views_scales.scale_mapping,
        name="scale_mapping",
    ),
    path(S + "skill/<int:skill_id>/levels/", views_scales.skill_levels, name="skill_levels"),
    path(S + "roles/bulk/", views_roles_csv.roles_bulk, name="roles_bulk"),
    path(S + "roles/export.csv", views_roles_csv.roles_export, name="roles_export"),
]

# skills of courses, quiz questions and rubric criteria (views_alignments)
urlpatterns += [
    path(S + "courses/<int:course_id>/", views_alignments.course_skills, name="course_skills"),
    path(
        S + "questions/<int:question_id>/",
        views_alignments.question_skills,
        name="question_skills",
    ),
    path(
        S + "criteria/<int:criterion_id>/",
        views_alignments.criterion_skills,
        name="criterion_skills",
    ),
]

# crosswalks between frameworks, a skill's page in the browser (views_crosswalk)
urlpatterns += [
    path(S + "<int:skill_id>/", views_crosswalk.skill_page, name="skill"),
    path(S + "crosswalks/", views_crosswalk.crosswalk_list, name="crosswalks"),
    path(S + "crosswalks/propose/", views_crosswalk.crosswalk_propose, name="crosswalk_propose"),
    path(S + "crosswalks/decide/", views_crosswalk.crosswalk_decide, name="crosswalk_decide"),
    path(S + "crosswalks/add/", views_crosswalk.crosswalk_add, name="crosswalk_add"),
    path(
        S + "crosswalks/export.<str:fmt>",
        views_crosswalk.crosswalk_export,
        name="crosswalk_export",
    ),
]
