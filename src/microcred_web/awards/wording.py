"""The award-rule texts of the pure core (:class:`microcred.rules.Wording`) in the active language.

Every template is a literal ``gettext`` call so ``makemessages`` finds it; the English msgids
are the core's defaults (``tests/web/test_awards_wording.py`` keeps them in step).
"""

from __future__ import annotations

from django.utils.dates import MONTHS_3
from django.utils.formats import get_format
from django.utils.translation import get_language, pgettext
from django.utils.translation import gettext as _

from microcred.rules import ENGLISH, Wording


def rule_wording() -> Wording:
    """The rule texts for the language of the current request (English: the core's own)."""
    if (get_language() or "en").split("-")[0] == "en":
        return ENGLISH
    return translated_wording()


def translated_wording() -> Wording:
    """Every template through gettext (month names and decimal point from Django's formats)."""
    return Wording(
        quote=_("‘{label}’"),
        date=_("{day} {month} {year}"),
        months=tuple(str(MONTHS_3[number]).title() for number in range(1, 13)),
        decimal_point=str(get_format("DECIMAL_SEPARATOR")),
        and_=pgettext("rule list", "and"),
        or_=pgettext("rule list", "or"),
        then=pgettext("rule list", ", then "),
        quiz_phrase=_("{quiz} with at least {score}%"),
        credential_phrase=_("the credential {label}"),
        worth=_("{what} ({credits} credits)"),
        assessment_phrase=_("the assessment {label}"),
        all_of=_("all of: {items}"),
        any_of=_("one of: {items}"),
        at_least=_("any {n} of: {items}"),
        credit_target=_("{target} credits from: {items}"),
        in_order=_("in order: {items}"),
        within_day=_("within {days} day"),
        within_days=_("within {days} days"),
        between=_("between {start} and {end}"),
        since=_("from {start}"),
        by=_("by {end}"),
        complete=_("Complete {what}"),
        hold=_("Hold {what}"),
        have_accepted=_("Have {what} accepted"),
        # xgettext:no-python-format ("% i" is not a %-directive here)
        score_in=_("Score at least {score}% in {quiz}"),
        todo_course=_("Complete the course {label}"),
        todo_quiz_tried=_("Score at least {score}% in {quiz} (best so far {best}%)"),
        todo_credential=_("Earn the credential {label}"),
        todo_assessment=_("Have the assessment {label} accepted"),
        done_course=_("Completed the course {label}"),
        done_quiz_scored=_("Scored {best}% in {quiz} (at least {score}% needed)"),
        done_quiz_passed=_("Passed in {quiz} (at least {score}% needed)"),
        done_credential=_("Holds the credential {label}"),
        done_assessment=_("The assessment {label} was accepted"),
        done_other=_("Completed {label}"),
        all_done=_("Done: all of these"),
        all_open=_("All of these: {done} of {total} done"),
        any_done=_("Done: one of these"),
        any_open=_("One of these: none done yet"),
        missing_one_of=_("Complete one of: {items}"),
        at_least_done=_("Done: {done} of these"),
        at_least_open=_("Any {n} of these: {done} done"),
        missing_more_of=_("{need} more of: {items}"),
        credits_done=_("Done: {credited} credits of {target}"),
        credits_open=_("{target} credits from these: {credited} so far"),
        credits_missing=_("{remaining} more credits"),
        credits_missing_from=_("{remaining} more credits from: {items}"),
        order_done=_("Done in order"),
        order_open=_("In order: {done} of {total} done"),
        order_redo=_("Complete {what} again after {previous} (order matters)"),
        window_done=_("Done {window}"),
        window_open=_("{window}: not yet"),
        window_late=_("Complete {what} within {days} days (so far it took longer)"),
        window_missing=_("{item} ({window})"),
    )
