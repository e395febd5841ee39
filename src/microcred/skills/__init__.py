"""Skills intelligence, pure: scales, evidence → profile, gaps against roles, and readers for
CASE 1.1 and ESCO CSV frameworks (no Django; the web shell stores and shows them)."""

from microcred.skills.case import CaseAssociation, CaseDocument, CaseItem, CasePackage, read_case
from microcred.skills.esco import EscoData, EscoOccupation, EscoRelation, EscoSkill, read_esco
from microcred.skills.evidence import Evidence, EvidenceKind, SourceState
from microcred.skills.gaps import Requirement, RoleGap, SkillGap, role_gap
from microcred.skills.profile import (
    DEFAULT_HALF_LIFE_DAYS,
    SkillState,
    Standing,
    compute_profile,
    current_claims,
    freshness,
    held_levels,
)
from microcred.skills.scales import Level, Scale, linear_scale, map_level
from microcred.skills.text import fold

__all__ = [
    "DEFAULT_HALF_LIFE_DAYS",
    "CaseAssociation",
    "CaseDocument",
    "CaseItem",
    "CasePackage",
    "EscoData",
    "EscoOccupation",
    "EscoRelation",
    "EscoSkill",
    "Evidence",
    "EvidenceKind",
    "Level",
    "Requirement",
    "RoleGap",
    "Scale",
    "SkillGap",
    "SkillState",
    "SourceState",
    "Standing",
    "compute_profile",
    "current_claims",
    "fold",
    "freshness",
    "held_levels",
    "linear_scale",
    "map_level",
    "read_case",
    "read_esco",
    "role_gap",
]
