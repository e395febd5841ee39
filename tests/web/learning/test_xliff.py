from __future__ import annotations

import io

import pytest
from lxml import etree

from microcred_web.common.errors import ApplicationError
from microcred_web.learning import services, xliff
from microcred_web.learning.translation import (
    PseudoLocalisationBackend,
    TranslationBackend,
    course_translate_machine,
)

NS = {"x": xliff.XLIFF_NS}


def _translated(setup) -> bytes:
    """Export for French and fill every target with 'FR: <source>'."""
    root = etree.fromstring(xliff.xliff_export(course=setup.course, target_language="fr"))
    for unit in root.iterfind(".//x:unit", NS):
        segment = unit.find("x:segment", NS)
        source = segment.find("x:source", NS).text
        target = etree.SubElement(segment, f"{{{xliff.XLIFF_NS}}}target")
        target.text = "\n".join(f"FR: {line}" for line in source.splitlines())
    return etree.tostring(root, xml_declaration=True, encoding="UTF-8")


def test_export_has_one_unit_per_text_with_structural_ids(setup) -> None:
    root = etree.fromstring(xliff.xliff_export(course=setup.course, target_language="fr"))
    assert root.get("version") == "2.0" and root.get("srcLang") == "en"
    assert root.get("trgLang") == "fr"
    ids = [unit.get("id") for unit in root.iterfind(".//x:unit", NS)]
    assert ids[:4] == ["course.title", "course.summary", "m1.title", "m1.b1.body"]
    assert "m2.title" in ids and "q1.n1.c1" in ids and "q1.n2.accepted" in ids


def test_round_trip_the_french_learner_sees_the_translation(client, setup, enrol) -> None:
    language, count = xliff.xliff_import(
        course=setup.course, actor=setup.admin, data=_translated(setup)
    )
    assert language == "fr" and count > 10
    services.course_publish(course=setup.course, actor=setup.admin)
    setup.learner.preferred_language = "fr"
    setup.learner.save()
    enrolment = enrol()
    client.force_login(setup.learner)
    html = client.get(f"/o/acme/learning/my/{enrolment.pk}/?module=1").content.decode()
    assert "FR: Before you lift" in html
    assert "FR: Plan the <strong>route</strong> first." in html  # Markdown still works
    assert html.count('class="player-block') == 2  # same structure
    assert 'class="callout callout-warning"' in html
    # an English reader still sees English
    setup.learner.preferred_language = "en"
    setup.learner.save()
    html = client.get(f"/o/acme/learning/my/{enrolment.pk}/?module=1").content.decode()
    assert "FR: " not in html and "Before you lift" in html
    # the French short answer is accepted too
    from microcred_web.learning import progress

    setup.learner.preferred_language = "fr"
    attempt = progress.quiz_attempt_start(
        enrolment=enrolment, quiz_public_id=str(setup.quiz.public_id), language="fr"
    )
    assert all(q["prompt"].startswith("FR: ") for q in attempt.questions)


def test_import_through_the_page(client, setup) -> None:
    client.force_login(setup.admin)
    upload = io.BytesIO(_translated(setup))
    upload.name = "fr.xlf"
    url = f"/o/acme/learning/courses/{setup.course.pk}/translations/"
    response = client.post(url, {"file": upload})
    assert response.status_code == 302
    setup.course.refresh_from_db()
    assert setup.course.translations["fr"]["title"] == "FR: Safe lifting"
    bad = io.BytesIO(b"<xliff")
    bad.name = "bad.xlf"
    response = client.post(url, {"file": bad})
    assert response.status_code == 400
    assert "not well-formed XML" in response.content.decode()


def _refused(setup, data: bytes) -> ApplicationError:
    with pytest.raises(ApplicationError) as error:
        xliff.xliff_import(course=setup.course, actor=setup.admin, data=data)
    setup.course.refresh_from_db()
    assert "fr" not in (setup.course.translations or {})
    return error.value


def test_malformed_and_wrong_files_are_refused(setup) -> None:
    good = _translated(setup)
    assert _refused(setup, b"<xliff><file></xliff>").code == "xliff_malformed"
    assert (
        "version 1.2" in _refused(setup, good.replace(b'version="2.0"', b'version="1.2"')).message
    )
    other_course, _quiz = __import__(
        "tests.web.learning.conftest", fromlist=["build_course"]
    ).build_course(setup.org, setup.admin)
    wrong = xliff.xliff_export(course=other_course, target_language="fr")
    assert _refused(setup, wrong).code == "xliff_course"
    missing = good.replace(b'<unit id="m1.title">', b'<unit id="m1.titleX">')
    error = _refused(setup, missing)
    assert error.code == "xliff_units" and "m1.title" in error.message


def test_extra_and_missing_units_are_named(setup) -> None:
    root = etree.fromstring(_translated(setup))
    file = root.find("x:file", NS)
    unit = file.find("x:unit[@id='m2.title']", NS)
    file.remove(unit)
    error = _refused(setup, etree.tostring(root))
    assert "m2.title" in error.message and "missing" in error.message
    root = etree.fromstring(_translated(setup))
    extra = etree.SubElement(root.find("x:file", NS), f"{{{xliff.XLIFF_NS}}}unit", id="m9.title")
    etree.SubElement(etree.SubElement(extra, f"{{{xliff.XLIFF_NS}}}segment"), "source")
    error = _refused(setup, etree.tostring(root))
    assert "m9.title" in error.message


def test_a_changed_structure_is_refused(setup) -> None:
    data = _translated(setup)
    services.block_create(
        module=setup.modules[0], actor=setup.admin, kind="text", values={"body": "New text"}
    )
    assert _refused(setup, data).code == "xliff_version"


XXE = b"""<?xml version="1.0"?>
<!DOCTYPE xliff [<!ENTITY secret SYSTEM "file:///etc/passwd">]>
<xliff xmlns="urn:oasis:names:tc:xliff:document:2.0" version="2.0" srcLang="en" trgLang="fr">
<file id="x"><unit id="course.title"><segment><source>a</source><target>&secret;</target>
</segment></unit></file></xliff>"""
LAUGHS = b"""<?xml version="1.0"?>
<!DOCTYPE lolz [<!ENTITY lol "lol"><!ENTITY lol2 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;">
<!ENTITY lol3 "&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;">]>
<xliff version="2.0">&lol3;</xliff>"""


def test_xxe_and_billion_laughs_are_refused(setup) -> None:
    for data in (XXE, LAUGHS, XXE.replace(b"DOCTYPE", b"doctype")):
        error = _refused(setup, data)
        assert error.code in ("xliff_dtd", "xliff_malformed")
    assert "root" not in _refused(setup, XXE).message


def test_pseudo_backend_fills_untranslated_texts(setup) -> None:
    backend = PseudoLocalisationBackend()
    assert isinstance(backend, TranslationBackend)
    assert backend.translate(["Lift [here](https://x.example/a)"], "en", "fr") == [
        "[Ĺîƒţ [ĥéŕé](https://x.example/a)]"
    ]
    run = course_translate_machine(
        course=setup.course, actor=setup.admin, backend_name="pseudo", target_language="de"
    )
    assert run.translated == len(xliff.course_units(setup.course)) and run.refused == []
    setup.course.refresh_from_db()
    assert setup.course.translations["de"]["title"] == "[Šàƒé ĺîƒţîñĝ]"
    assert (
        course_translate_machine(
            course=setup.course, actor=setup.admin, backend_name="pseudo", target_language="de"
        ).translated
        == 0
    )


def test_the_help_text_shows_the_target_element_by_name(client, setup) -> None:
    """The help sentence names ``<target>``; a raw tag in it vanished in the browser."""
    client.force_login(setup.admin)
    html = client.get(f"/o/acme/learning/courses/{setup.course.pk}/translations/").content.decode()
    assert "translators fill in each &lt;target&gt;." in html
    assert "each <target>" not in html
