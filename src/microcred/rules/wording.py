"""The message table the rule texts are built from (English by default, no Django).

A caller that speaks another language passes its own :class:`Wording` (for instance built with
``gettext`` in the web layer) to :func:`~microcred.rules.summarise` or
:func:`~microcred.rules.evaluate`. Each entry is a ``str.format`` template with named fields;
a translated template with a wrong field falls back to the English one instead of failing.
"""

from __future__ import annotations

from dataclasses import dataclass, fields

ENGLISH_MONTHS = (
    "Jan",
    "Feb",
    "Mar",
    "Apr",
    "May",
    "Jun",
    "Jul",
    "Aug",
    "Sep",
    "Oct",
    "Nov",
    "Dec",
)


@dataclass(frozen=True, slots=True)
class Wording:
    """Every phrase the rule summary, explanation and "what is missing" texts use."""

    # small words and formats
    quote: str = "‘{label}’"
    date: str = "{day} {month} {year}"
    months: tuple[str, ...] = ENGLISH_MONTHS
    decimal_point: str = "."
    and_: str = "and"
    or_: str = "or"
    then: str = ", then "
    # noun phrases (fit after "Complete ")
    quiz_phrase: str = "{quiz} with at least {score}%"
    credential_phrase: str = "the credential {label}"
    worth: str = "{what} ({credits} credits)"
    assessment_phrase: str = "the assessment {label}"
    all_of: str = "all of: {items}"
    any_of: str = "one of: {items}"
    at_least: str = "any {n} of: {items}"
    credit_target: str = "{target} credits from: {items}"
    in_order: str = "in order: {items}"
    within_day: str = "within {days} day"
    within_days: str = "within {days} days"
    between: str = "between {start} and {end}"
    since: str = "from {start}"
    by: str = "by {end}"
    # sentences
    complete: str = "Complete {what}"
    hold: str = "Hold {what}"
    have_accepted: str = "Have {what} accepted"
    score_in: str = "Score at least {score}% in {quiz}"
    # what is still to do for one condition
    todo_course: str = "Complete the course {label}"
    todo_quiz_tried: str = "Score at least {score}% in {quiz} (best so far {best}%)"
    todo_credential: str = "Earn the credential {label}"
    todo_assessment: str = "Have the assessment {label} accepted"
    # what was done for one condition
    done_course: str = "Completed the course {label}"
    done_quiz_scored: str = "Scored {best}% in {quiz} (at least {score}% needed)"
    done_quiz_passed: str = "Passed in {quiz} (at least {score}% needed)"
    done_credential: str = "Holds the credential {label}"
    done_assessment: str = "The assessment {label} was accepted"
    done_other: str = "Completed {label}"
    # groups in the explanation
    all_done: str = "Done: all of these"
    all_open: str = "All of these: {done} of {total} done"
    any_done: str = "Done: one of these"
    any_open: str = "One of these: none done yet"
    missing_one_of: str = "Complete one of: {items}"
    at_least_done: str = "Done: {done} of these"
    at_least_open: str = "Any {n} of these: {done} done"
    missing_more_of: str = "{need} more of: {items}"
    credits_done: str = "Done: {credited} credits of {target}"
    credits_open: str = "{target} credits from these: {credited} so far"
    credits_missing: str = "{remaining} more credits"
    credits_missing_from: str = "{remaining} more credits from: {items}"
    order_done: str = "Done in order"
    order_open: str = "In order: {done} of {total} done"
    order_redo: str = "Complete {what} again after {previous} (order matters)"
    window_done: str = "Done {window}"
    window_open: str = "{window}: not yet"
    window_late: str = "Complete {what} within {days} days (so far it took longer)"
    window_missing: str = "{item} ({window})"

    def say(self, name: str, **values: object) -> str:
        """The template ``name`` filled with ``values`` (English if the template is broken)."""
        template = getattr(self, name)
        try:
            return str(template.format(**values))
        except (KeyError, IndexError, ValueError, AttributeError):
            return str(getattr(ENGLISH, name).format(**values))

    def month(self, number: int) -> str:
        months = self.months if len(self.months) == 12 else ENGLISH_MONTHS
        return months[number - 1]


ENGLISH = Wording()

#: names of the text templates (everything but ``months``), e.g. for building a translated table
TEMPLATE_NAMES = tuple(f.name for f in fields(Wording) if f.name != "months")
