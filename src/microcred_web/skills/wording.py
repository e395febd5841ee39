"""Words for evidence kinds and source states, in the user's language."""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext as _

from microcred.skills import EvidenceKind, SkillState, SourceState


def kind_label(kind: EvidenceKind) -> str:
    return {
        EvidenceKind.VERIFIED_CREDENTIAL: _("Verified credential"),
        EvidenceKind.ASSESSED_RESULT: _("Assessment result"),
        EvidenceKind.RATING: _("Assessor or manager rating"),
        EvidenceKind.PEER_ENDORSEMENT: _("Peer endorsement"),
        EvidenceKind.SELF_ASSESSMENT: _("Self-assessment"),
    }[kind]


def state_label(state: SourceState) -> str:
    return {
        SourceState.ACTIVE: _("in force"),
        SourceState.SUSPENDED: _("suspended"),
        SourceState.REVOKED: _("revoked or withdrawn"),
    }[state]


def freshness_label(state: SkillState) -> str:
    if state.freshness >= 0.5:
        return _("recent")
    if state.freshness >= 0.25:
        return _("ageing")
    return _("old")


def trail_rows(state: SkillState) -> list[dict[str, Any]]:
    return [
        {
            "evidence": row,
            "kind": kind_label(row.kind),
            "state": state_label(row.state),
        }
        for row in state.trail
    ]
