"""Demo scales for Northwind Logistics: a second, 1–8 scale (the grades a partner academy's
credentials carry) mapped onto the default 1–5, and what some levels mean for two skills.
Running it again changes nothing."""

from __future__ import annotations

from typing import Any

from microcred.skills.scales import proposed_table
from microcred_web.orgs.models import Organisation
from microcred_web.skills import scale_services, services
from microcred_web.skills.models import ProficiencyScale, ScaleMapping, Skill

EIGHT_NAME = "Partner academy grades 1–8"
#: a result description id the partner academy's credentials use for their grade
PARTNER_RESULT = "https://academy.example/results/practical-grade"
EIGHT_LEVELS = (
    ("Follow", "Works under close direction on routine tasks."),
    ("Assist", "Helps others; works on routine tasks with some direction."),
    ("Apply", "Works alone on routine tasks; knows when to ask."),
    ("Enable", "Handles varied tasks and unusual cases alone."),
    ("Advise", "Advises others and checks their work."),
    ("Initiate", "Starts improvements and leads others in the skill."),
    ("Shape", "Sets the way the organisation does it."),
    ("Lead the field", "Recognised outside the organisation; sets practice for others."),
)
#: skill code → {level: what it means for that skill}
SKILL_DESCRIPTORS = {
    "WH-FL-02": {
        2: "Moves single pallets in a quiet aisle with a colleague guiding.",
        3: "Moves and stacks loads alone in a busy aisle, within rated capacity.",
        4: "Handles double-deep racking and awkward loads; spots unsafe stacking.",
    },
    "WH-SC-01": {
        3: "Runs the weekly cycle count and resolves discrepancies under 1%.",
    },
}


def demo_scales_load(*, organisation: Organisation, admin: Any) -> dict[str, int]:
    default = services.scale_default(organisation=organisation)
    eight = ProficiencyScale.objects.filter(organisation=organisation, name=EIGHT_NAME).first()
    if eight is None:
        eight = scale_services.scale_save(
            organisation=organisation,
            actor=admin,
            name=EIGHT_NAME,
            levels=EIGHT_LEVELS,
            result_ids=[PARTNER_RESULT],
        )
    if not ScaleMapping.objects.filter(source=eight, target=default).exists():
        table = proposed_table(eight.as_scale(), default.as_scale())
        scale_services.scale_mapping_save(
            organisation=organisation,
            actor=admin,
            source=eight,
            target=default,
            table={str(k): v for k, v in table.items()},
        )
    described = 0
    for code, descriptors in SKILL_DESCRIPTORS.items():
        skill = Skill.objects.filter(organisation=organisation, code=code).first()
        if skill is None or skill.descriptors:
            continue
        scale_services.skill_descriptors_set(
            skill=skill, actor=admin, descriptors=descriptors, scale=default
        )
        described += 1
    return {"scales": 2, "skills_described": described}
