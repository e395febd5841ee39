"""Placeholders and markup survive a machine translation engine, or the unit is refused."""

from __future__ import annotations

import re

import pytest
from hypothesis import given
from hypothesis import strategies as st

from microcred.translation.markup import PlaceholderMismatch, prepare, protect

SPANS = st.sampled_from(
    [
        "{name}",
        "{0}",
        "{{ learner }}",
        "%(count)d",
        "%s",
        '<ph id="1" disp="{user}"/>',
        '<pc id="2">',
        "</pc>",
        "`make demo`",
        "](https://example.org/a?b=1)",
        "https://example.org/path",
        "<b>",
        "</b>",
    ]
)
WORDS = st.text(alphabet=st.characters(blacklist_categories=("Cs",)), max_size=30)
TEXTS = st.lists(st.one_of(WORDS, SPANS), max_size=12).map("".join)


@given(TEXTS)
def test_an_engine_that_changes_nothing_gives_back_the_source(text: str) -> None:
    prepared = prepare(text)
    assert prepared.assemble(prepared.segments()) == text


@given(TEXTS)
def test_the_engine_sees_no_markup_but_the_tokens(text: str) -> None:
    protected = protect(text)
    plain = re.sub(r'<x id="\d+"/>', "", protected.text)
    assert "<" not in plain and ">" not in plain
    assert len(re.findall(r'<x id="\d+"/>', protected.text)) == len(protected.originals)


@given(TEXTS, st.randoms(use_true_random=False))
def test_a_lost_token_is_refused(text: str, random) -> None:
    protected = protect(text)
    if not protected.originals:
        return
    number = random.randint(1, len(protected.originals))
    broken = protected.text.replace(f'<x id="{number}"/>', "", 1)
    with pytest.raises(PlaceholderMismatch):
        protected.restore(broken)


def test_tokens_may_move_and_change_form() -> None:
    protected = protect("Hello {name}, you have %(n)d badges")
    assert protected.text == 'Hello <x id="1"/>, you have <x id="2"/> badges'
    reordered = '<x id="2"></x> insignias tiene, hola <x id="1" />'
    assert protected.restore(reordered) == "%(n)d insignias tiene, hola {name}"


def test_markdown_links_code_and_urls_are_kept() -> None:
    source = "Read [the guide](https://example.org/g) and run `make demo` at https://x.example."
    protected = protect(source)
    assert protected.originals == (
        "](https://example.org/g)",
        "`make demo`",
        "https://x.example",
    )
    assert protected.text.startswith('Read [the guide<x id="1"/> and run')


def test_refusals_say_why() -> None:
    protected = protect("Hi {name} <pc id='1'>now</pc> & go")
    assert protected.text == 'Hi <x id="1"/> <x id="2"/>now<x id="3"/> &amp; go'
    cases = {
        'Hola <x id="2"/>ya<x id="3"/>': "lost {name}",
        'Hola <x id="1"/><x id="1"/> <x id="2"/>ya<x id="3"/>': "repeats {name}",
        'Hola <x id="1"/> <x id="2"/>ya<x id="3"/><x id="9"/>': "placeholders the source",
        'Hola <x id="1"/> <x id="3"/>ya<x id="2"/>': "moved </pc>",
        'Hola <x id="1"/> <x id="2"/><b>ya</b><x id="3"/>': "markup of its own",
    }
    for output, reason in cases.items():
        with pytest.raises(PlaceholderMismatch, match=reason):
            protected.restore(output)
    assert protected.restore('Hola <x id="1"/> <x id="2"/>ya<x id="3"/> &amp; va') == (
        "Hola {name} <pc id='1'>ya</pc> & va"
    )


def test_markdown_prefixes_and_blank_lines_stay_out_of_the_engine() -> None:
    prepared = prepare("## Before you lift\n\n- Plan the **route**\n1. {step}\n  > Bend knees  ")
    assert prepared.segments() == ["Before you lift", "Plan the **route**", "Bend knees"]
    assert prepared.assemble(["Antes de levantar", "Planifica la **ruta**", "Dobla"]) == (
        "## Antes de levantar\n\n- Planifica la **ruta**\n1. {step}\n  > Dobla  "
    )
    with pytest.raises(PlaceholderMismatch, match="number of lines"):
        prepared.assemble(["uno"])
