"""Learning URLs, mounted at the site root; everything lives under /o/<slug>/learning/."""

from __future__ import annotations

from django.urls import path

from microcred_web.learning import (
    views,
    views_learner,
    views_team_export,
    views_translation,
    views_versions,
)

app_name = "learning"

C = "o/<slug:slug>/learning/courses/<int:course_id>/"
M = C + "modules/<int:module_id>/"
Q = C + "quizzes/<int:quiz_id>/"
E = "o/<slug:slug>/learning/my/<int:enrolment_id>/"

urlpatterns = [
    # authoring
    path("o/<slug:slug>/learning/courses/", views.course_list, name="course_list"),
    path("o/<slug:slug>/learning/courses/new/", views.course_new, name="course_new"),
    path(C, views.course_detail, name="course_detail"),
    path(C + "edit/", views.course_edit, name="course_edit"),
    path(C + "publish/", views.course_publish, name="course_publish"),
    path(C + "preview/", views.course_preview, name="course_preview"),
    path(C + "versions/", views_versions.course_versions, name="course_versions"),
    path(
        C + "versions/<int:number>/rollback/",
        views_versions.course_version_rollback,
        name="course_version_rollback",
    ),
    path(C + "modules/new/", views.module_new, name="module_new"),
    path(M, views.module_edit, name="module_edit"),
    path(M + "move/", views.module_move, name="module_move"),
    path(M + "delete/", views.module_delete, name="module_delete"),
    path(M + "blocks/new/<str:kind>/", views.block_new, name="block_new"),
    path(M + "blocks/order/", views.block_reorder, name="block_reorder"),
    path(M + "blocks/<int:block_id>/", views.block_edit, name="block_edit"),
    path(M + "blocks/<int:block_id>/move/", views.block_move, name="block_move"),
    path(M + "blocks/<int:block_id>/delete/", views.block_delete, name="block_delete"),
    path(C + "quizzes/new/", views.quiz_new, name="quiz_new"),
    path(Q, views.quiz_edit, name="quiz_edit"),
    path(Q + "questions/new/<str:kind>/", views.question_new, name="question_new"),
    path(Q + "questions/<int:question_id>/", views.question_edit, name="question_edit"),
    path(Q + "questions/<int:question_id>/delete/", views.question_delete, name="question_delete"),
    path(C + "translations/", views.translations, name="translations"),
    path(C + "translations/export.xlf", views.xliff_export, name="xliff_export"),
    path(C + "translations/machine/", views.translate_machine, name="translate_machine"),
    path(
        C + "translations/<str:language>/review/",
        views_translation.translation_review,
        name="translation_review",
    ),
    path(
        "o/<slug:slug>/learning/translation-service/",
        views_translation.machine_service,
        name="machine_service",
    ),
    path(C + "xapi.json", views.course_records_export, name="course_records_export"),
    path(
        "o/<slug:slug>/learning/people/<int:membership_id>/xapi.json",
        views.person_records_export,
        name="person_records_export",
    ),
    path("o/<slug:slug>/learning/records/import/", views.records_import, name="records_import"),
    # learners and managers
    path("o/<slug:slug>/learning/my/", views_learner.mine, name="mine"),
    path("o/<slug:slug>/learning/enrol/<int:course_id>/", views_learner.enrol, name="enrol"),
    path(E, views_learner.player, name="player"),
    path(
        E + "modules/<str:module_key>/complete/",
        views_learner.module_complete,
        name="module_complete",
    ),
    path(E + "quizzes/<uuid:quiz_id>/start/", views_learner.quiz_start, name="quiz_start"),
    path(
        E + "attempts/<int:attempt_id>/submit/",
        views_learner.attempt_submit,
        name="attempt_submit",
    ),
    path("o/<slug:slug>/learning/team/", views_learner.team, name="team"),
    path(
        "o/<slug:slug>/learning/team/progress.csv",
        views_team_export.team_export,
        name="team_export",
    ),
    path("o/<slug:slug>/learning/assign/", views_learner.assign, name="assign"),
    path("o/<slug:slug>/learning/media/<uuid:public_id>", views_learner.media, name="media"),
]
