"""Constants and helpers of the skills tests (a uniquely named module: conftest names collide
when several test folders run together)."""

from __future__ import annotations

from pathlib import Path

VECTORS = Path(__file__).resolve().parents[2] / "vectors" / "skills"
ESCO = VECTORS / "esco"
FORKLIFT_URI = "https://frameworks.example/case/v1p1/CFItems/5b1d0c6e-0000-4000-8000-000000000011"
STOCK_URI = "https://frameworks.example/case/v1p1/CFItems/5b1d0c6e-0000-4000-8000-000000000012"
VALUES = {
    "name": "Forklift safety",
    "description": "Operates a counterbalance forklift safely.",
    "criteria": "Passed the practical assessment.",
    "achievement_type": "Certificate",
}


def case_bytes(name: str = "warehouse-case.json") -> bytes:
    return (VECTORS / name).read_bytes()


def esco_files() -> dict[str, str]:
    return {
        "skills_csv": (ESCO / "skills_en.csv").read_text(),
        "occupations_csv": (ESCO / "occupations_en.csv").read_text(),
        "relations_csv": (ESCO / "occupationSkillRelations_en.csv").read_text(),
    }


def esco_related_files() -> dict[str, str]:
    """An ESCO slice (official CSV layout) whose occupations share essential skills: forklift
    operator {1,2,3,4}, warehouse supervisor {1,2,3,5,6}, stock controller {2,3,4,7}, cook
    {8,9,10}; every occupation also has skill 11 as optional."""
    folder = VECTORS / "esco-related"
    return {
        "skills_csv": (folder / "skills_en.csv").read_text(),
        "occupations_csv": (folder / "occupations_en.csv").read_text(),
        "relations_csv": (folder / "occupationSkillRelations_en.csv").read_text(),
    }
