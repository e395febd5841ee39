"""Machine translation engines: Apertium for real, the HTTP APIs against local fakes
(tests/web/learning/mt_fakes.py), placeholders kept or the unit refused, and the review that
publishing waits for."""

from __future__ import annotations

import re
import shutil
import subprocess

import pytest
from lxml import etree
from tests.web.learning import mt_fakes

from microcred_web.common.errors import ApplicationError
from microcred_web.learning import services, xliff
from microcred_web.learning.machine.base import MachineTranslationError
from microcred_web.learning.machine.service import service_backend, service_get, service_save
from microcred_web.learning.models import Block
from microcred_web.learning.translation import course_translate_machine, machine_units

GREETING = "Hello {name}, read [the guide](https://example.org/guide) before you lift %(count)d."
NS = {"x": xliff.XLIFF_NS}


def _has_apertium_en_es() -> bool:
    if shutil.which("apertium") is None:
        return False
    modes = subprocess.run(["apertium", "-l"], capture_output=True, text=True, check=False)
    return "eng-spa" in modes.stdout or "en-es" in modes.stdout


apertium = pytest.mark.skipif(
    not _has_apertium_en_es(), reason="apertium with apertium-en-es missing (make mtools)"
)


@pytest.fixture
def course(setup):
    module = setup.modules[0]
    services.block_create(module=module, actor=setup.admin, kind="text", values={"body": GREETING})
    return setup.course


def _configure(setup, fake, engine: str, **values) -> None:
    service_save(
        organisation=setup.org,
        actor=setup.admin,
        values={"engine": engine, "endpoint": fake.base, "language_pairs": "en-es", **values},
    )


def _greeting_es(course) -> str:
    block = Block.objects.get(module__course=course, body=GREETING)
    return block.translations["es"]["body"]


@apertium
def test_apertium_translates_the_course_for_real_keeping_placeholders(setup, course) -> None:
    service_save(
        organisation=setup.org,
        actor=setup.admin,
        values={"engine": "apertium", "language_pairs": "en-es"},
    )
    run = course_translate_machine(
        course=course, actor=setup.admin, backend_name="service", target_language="es"
    )
    assert run.refused == [] and run.translated == len(xliff.course_units(course))
    course.refresh_from_db()
    assert course.translations["es"]["title"].lower() == "levantamiento seguro"
    greeting = _greeting_es(course)
    for kept in ("{name}", "](https://example.org/guide)", "%(count)d"):
        assert kept in greeting
    assert "Hola" in greeting or "hola" in greeting
    assert "{nombre}" not in greeting  # what Apertium does to an unprotected placeholder
    assert "Antes" not in greeting  # Apertium capitalises after tags; the case is put back


@pytest.mark.parametrize(
    ("engine", "key"),
    [("libretranslate", "libre-key"), ("deepl", "deepl-secret:fx"), ("openai", "sk-local")],
)
def test_http_engines_translate_through_their_apis(settings, setup, course, engine, key) -> None:
    with mt_fakes.serve(engine) as fake:
        settings.MICROCRED_MT_ALLOWED_HOSTS = [fake.host]
        _configure(setup, fake, engine, api_key=key, model_name="llama3.1:8b")
        run = course_translate_machine(
            course=course, actor=setup.admin, backend_name="service", target_language="es"
        )
    assert run.refused == [] and run.translated == len(xliff.course_units(course))
    course.refresh_from_db()
    assert course.translations["es"]["title"] == "seguro levantamiento"
    assert _greeting_es(course) == (
        "hola {name}, lee [la guía](https://example.org/guide) antes de tú levanta %(count)d."
    )
    sent = fake.requests[0]
    if engine == "libretranslate":
        assert sent["path"] == "/translate" and sent["json"]["format"] == "html"
        assert sent["json"]["source"] == "en" and sent["json"]["target"] == "es"
        assert sent["json"]["api_key"] == key
    elif engine == "deepl":
        assert sent["headers"]["authorization"] == f"DeepL-Auth-Key {key}"
        assert sent["json"]["tag_handling"] == "xml" and sent["json"]["ignore_tags"] == ["x"]
        assert sent["json"]["target_lang"] == "ES"
    else:
        assert sent["path"] == "/v1/chat/completions"
        assert sent["headers"]["authorization"] == f"Bearer {key}"
        assert sent["json"]["model"] == "llama3.1:8b"
        assert 'keep every <x id="N"/> tag' in sent["json"]["messages"][0]["content"]
    texts = str(sent["json"])
    assert "{name}" not in texts and "https://example.org/guide" not in texts  # tokens only


def test_a_unit_whose_placeholders_are_lost_stays_untranslated(settings, setup, course) -> None:
    with mt_fakes.serve("libretranslate") as fake:
        settings.MICROCRED_MT_ALLOWED_HOSTS = [fake.host]
        _configure(setup, fake, "libretranslate", api_key="libre-key")
        fake.failure = "drop_token"
        run = course_translate_machine(
            course=course, actor=setup.admin, backend_name="service", target_language="es"
        )
    assert len(run.refused) == 1
    unit_id, reason = run.refused[0]
    assert unit_id == "m1.b3.body" and "lost {name}" in reason
    course.refresh_from_db()
    assert course.translations["es"]["title"] == "seguro levantamiento"
    assert "body" not in Block.objects.get(body=GREETING).translations.get("es", {})


@pytest.mark.parametrize(
    ("failure", "engine", "words"),
    [
        ("timeout", "libretranslate", "did not answer within 1 s"),
        ("500", "deepl", "HTTP 500 (Internal Server Error)"),
        ("bad_json", "openai", "not JSON"),
        ("auth", "deepl", "HTTP 403 (Wrong endpoint"),
        ("auth", "openai", "HTTP 401 (Incorrect API key provided)"),
    ],
)
def test_engine_failures_name_the_engine_and_change_nothing(
    settings, setup, course, failure, engine, words
) -> None:
    settings.MICROCRED_MT_TIMEOUT = 1
    with mt_fakes.serve(engine) as fake:
        settings.MICROCRED_MT_ALLOWED_HOSTS = [fake.host]
        key = "wrong" if failure == "auth" else {"libretranslate": "libre-key"}.get(engine, "")
        key = key or {"deepl": "deepl-secret:fx", "openai": "sk-local"}[engine]
        _configure(setup, fake, engine, api_key=key, model_name="m")
        fake.failure = "" if failure == "auth" else failure
        before = course.translations
        with pytest.raises(MachineTranslationError) as caught:
            course_translate_machine(
                course=course, actor=setup.admin, backend_name="service", target_language="es"
            )
    label = {"libretranslate": "LibreTranslate", "deepl": "DeepL", "openai": "OpenAI"}[engine]
    assert caught.value.message.startswith(label) and words in caught.value.message
    course.refresh_from_db()
    assert course.translations == before and machine_units(course) == {}


def test_a_chatty_model_is_still_understood(settings, setup, course) -> None:
    with mt_fakes.serve("openai") as fake:
        settings.MICROCRED_MT_ALLOWED_HOSTS = [fake.host]
        _configure(setup, fake, "openai", api_key="sk-local", model_name="m")
        fake.failure = "chatty"
        run = course_translate_machine(
            course=course, actor=setup.admin, backend_name="service", target_language="es"
        )
    assert run.translated == len(xliff.course_units(course))


def test_hosts_off_the_allow_list_and_pairs_not_offered_are_refused(settings, setup) -> None:
    with mt_fakes.serve("libretranslate") as fake:
        settings.MICROCRED_MT_ALLOWED_HOSTS = ["libretranslate.com"]
        with pytest.raises(ApplicationError) as caught:
            _configure(setup, fake, "libretranslate")
        assert caught.value.field == "endpoint" and "MICROCRED_MT_ALLOWED_HOSTS" in (
            caught.value.message
        )
        settings.MICROCRED_MT_ALLOWED_HOSTS = [fake.host]
        _configure(setup, fake, "libretranslate", api_key="libre-key")
        settings.MICROCRED_MT_ALLOWED_HOSTS = ["libretranslate.com"]  # the operator changed it
        with pytest.raises(MachineTranslationError, match="list of allowed services"):
            course_translate_machine(
                course=setup.course, actor=setup.admin, backend_name="service", target_language="es"
            )
        with pytest.raises(ApplicationError, match="does not offer en → fr"):
            course_translate_machine(
                course=setup.course, actor=setup.admin, backend_name="service", target_language="fr"
            )
    assert fake.requests == []


def test_the_api_key_is_sealed_and_kept_when_left_blank(settings, setup) -> None:
    settings.MICROCRED_MT_ALLOWED_HOSTS = ["api-free.deepl.com"]
    values = {"engine": "deepl", "language_pairs": "en-es, en>pt-br"}
    service_save(
        organisation=setup.org, actor=setup.admin, values={**values, "api_key": "k-123456"}
    )
    service = service_get(setup.org)
    assert service.language_pairs == [["en", "es"], ["en", "pt-br"]]
    assert b"k-123456" not in bytes(service.api_key_sealed) and service.api_key_hint == "3456"
    service_save(organisation=setup.org, actor=setup.admin, values=values)
    service.refresh_from_db()
    assert service.api_key_hint == "3456" and service.api_key_sealed
    assert service_backend(service).config.api_key == "k-123456"
    service_save(
        organisation=setup.org, actor=setup.admin, values={**values, "clear_api_key": True}
    )
    service.refresh_from_db()
    assert service.api_key_hint == "" and not service.api_key_sealed


def test_publishing_waits_for_the_review_of_machine_units(client, setup, course) -> None:
    course_translate_machine(
        course=course, actor=setup.admin, backend_name="pseudo", target_language="de"
    )
    course.refresh_from_db()
    with pytest.raises(ApplicationError) as caught:
        services.course_publish(course=course, actor=setup.admin)
    assert caught.value.code == "translation_unreviewed"
    assert "into de" in caught.value.message and "course.title" in caught.value.message
    root = etree.fromstring(xliff.xliff_export(course=course, target_language="de"))
    segment = root.find(".//x:unit[@id='course.title']/x:segment", NS)
    assert (segment.get("state"), segment.get("subState")) == ("translated", "microcred:machine")

    client.force_login(setup.admin)
    url = f"/o/{setup.org.slug}/learning/courses/{course.pk}/translations/de/review/"
    page = client.get(url + "?machine=1")
    assert page.status_code == 200 and "Machine, needs review" in page.content.decode()
    for unit_id in machine_units(course)["de"]:
        text = "Sicheres Heben" if unit_id == "course.title" else None
        unit = next(u for u in xliff.course_units(course) if u.id == unit_id)
        response = client.post(url, {"unit": unit_id, "text": text or unit.target("de")})
        assert response.status_code == 302
    course.refresh_from_db()
    assert machine_units(course) == {} and course.translations["de"]["title"] == "Sicheres Heben"
    services.course_publish(course=course, actor=setup.admin)
    root = etree.fromstring(xliff.xliff_export(course=course, target_language="de"))
    assert root.find(".//x:unit[@id='course.title']/x:segment", NS).get("state") == "reviewed"


def test_the_settings_page_never_shows_the_key(client, settings, setup) -> None:
    settings.MICROCRED_MT_ALLOWED_HOSTS = ["api-free.deepl.com"]
    client.force_login(setup.admin)
    url = f"/o/{setup.org.slug}/learning/translation-service/"
    response = client.post(
        url, {"engine": "deepl", "api_key": "secret-abcd", "language_pairs": "en-es"}
    )
    assert response.status_code == 302
    page = client.get(url).content.decode()
    assert "secret-abcd" not in page and "…abcd" in page
    bad = client.post(url, {"engine": "libretranslate", "language_pairs": "english"})
    assert bad.status_code == 400 and "not a language pair" in bad.content.decode()
    client.force_login(setup.learner)
    assert client.get(url).status_code == 403


def test_xliff_round_trip_keeps_the_review_state(setup, course) -> None:
    course_translate_machine(
        course=course, actor=setup.admin, backend_name="pseudo", target_language="de"
    )
    course.refresh_from_db()
    root = etree.fromstring(xliff.xliff_export(course=course, target_language="de"))

    def segment(unit_id: str):
        return root.find(f".//x:unit[@id='{unit_id}']/x:segment", NS)

    segment("course.title").set("state", "reviewed")  # the translator checked it
    segment("course.summary").find("x:target", NS).text = "Sicher heben."  # a person rewrote it
    xliff.xliff_import(course=course, actor=setup.admin, data=etree.tostring(root))
    course.refresh_from_db()
    units = {u.id: u for u in xliff.course_units(course)}
    assert units["course.title"].state("de") == "reviewed"
    assert units["course.summary"].state("de") == ""
    assert units["m1.title"].state("de") == "machine"  # unchanged machine text stays machine
    assert "course.title" not in machine_units(course)["de"]


@pytest.mark.parametrize(
    ("url", "dns", "words"),
    [
        ("http://mt.example.org/translate", ["93.184.216.34"], "on the internet: use https"),
        ("https://mt.example.org/translate", ["169.254.169.254"], "reserved address"),
        ("https://other.example.org/translate", ["10.0.0.8"], "not on this instance's list"),
        ("ftp://mt.example.org/translate", ["10.0.0.8"], "only https://"),
        ("https://user:pw@mt.example.org/", ["10.0.0.8"], "user name or password"),
    ],
)
def test_service_addresses_follow_the_operators_list(url, dns, words) -> None:
    from microcred_web.common.safe_fetch import UnsafeFetch, service_post

    with pytest.raises(UnsafeFetch, match=words):
        service_post(
            url,
            body=b"{}",
            headers={},
            allowed_hosts=["mt.example.org"],
            resolve=lambda host, port: dns,
        )


def test_a_service_redirect_is_not_followed(settings) -> None:
    import http.server
    import threading

    from microcred_web.common.safe_fetch import UnsafeFetch, service_post

    class Redirect(http.server.BaseHTTPRequestHandler):
        def log_message(self, *args) -> None:
            pass

        def do_POST(self) -> None:
            self.send_response(307)
            self.send_header("Location", "http://169.254.169.254/latest/meta-data/")
            self.send_header("Content-Length", "0")
            self.end_headers()

    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Redirect)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    try:
        host = f"127.0.0.1:{server.server_address[1]}"
        with pytest.raises(UnsafeFetch, match="redirected"):
            service_post(f"http://{host}/translate", body=b"{}", headers={}, allowed_hosts=[host])
    finally:
        server.shutdown()
        server.server_close()


class EditingDuringTranslation:
    """A backend during whose run an author renames the course (the engine is slow)."""

    label = "editing"

    def translate(self, texts, source_lang, target_lang):
        from microcred_web.learning.models import Course

        Course.objects.filter(title="Safe lifting").update(title="Safe lifting, revised")
        return [f"ES {text}" for text in texts]


def test_a_text_edited_during_the_engine_run_is_not_overwritten(settings, setup, course) -> None:
    settings.MICROCRED_TRANSLATION_BACKENDS = {
        "editing": "tests.web.learning.test_machine_translation.EditingDuringTranslation"
    }
    run = course_translate_machine(
        course=course, actor=setup.admin, backend_name="editing", target_language="es"
    )
    course.refresh_from_db()
    assert course.title == "Safe lifting, revised" and "title" not in course.translations["es"]
    assert course.translations["es"]["summary"] == "ES Lift safely."
    assert run.translated == len(xliff.course_units(course)) - 1


@pytest.mark.parametrize(
    ("script", "words"),
    [
        ("sleep 5", "Apertium (offline, on this server) could not translate: no answer within 1 s"),
        ("echo 'Error: mode broken' >&2; exit 1", "Error: mode broken"),
        ("echo '<p data-seg=\"0\">uno</p>'", "the output lost segments"),
    ],
)
def test_apertium_failures_name_it_and_change_nothing(
    settings, setup, tmp_path, script, words
) -> None:
    """A stand-in executable answers ``-l`` like Apertium, then misbehaves."""
    from microcred_web.learning.machine.apertium import installed_modes

    fake = tmp_path / "apertium"
    fake.write_text(f'#!/bin/sh\nif [ "$1" = "-l" ]; then echo en-es; exit 0; fi\n{script}\n')
    fake.chmod(0o755)
    settings.MICROCRED_APERTIUM, settings.MICROCRED_APERTIUM_TIMEOUT = str(fake), 1
    installed_modes.cache_clear()
    service_save(
        organisation=setup.org,
        actor=setup.admin,
        values={"engine": "apertium", "language_pairs": "en-es"},
    )
    with pytest.raises(MachineTranslationError, match=re.escape(words)):
        course_translate_machine(
            course=setup.course, actor=setup.admin, backend_name="service", target_language="es"
        )
    setup.course.refresh_from_db()
    assert "es" not in setup.course.translations
