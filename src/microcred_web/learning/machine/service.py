"""The engine an organisation chose: saving its settings, building its backend."""

from __future__ import annotations

from typing import Any
from urllib.parse import urlsplit

from django.db import transaction
from django.utils.translation import gettext as _

from microcred_web.common.errors import ApplicationError
from microcred_web.common.sealing import secret_seal, secret_unseal
from microcred_web.common.services import audit_record
from microcred_web.learning.machine.apertium import ApertiumBackend, apertium_mode
from microcred_web.learning.machine.base import ServiceConfig, allowed_hosts
from microcred_web.learning.machine.deepl import DeepLBackend
from microcred_web.learning.machine.libretranslate import LibreTranslateBackend
from microcred_web.learning.machine.openai_chat import OpenAIChatBackend
from microcred_web.learning.models import MachineEngine, MachineTranslationService
from microcred_web.learning.xliff import LANGUAGE_CODE
from microcred_web.orgs.models import Organisation

ENGINES: dict[str, Any] = {
    MachineEngine.APERTIUM: ApertiumBackend,
    MachineEngine.LIBRETRANSLATE: LibreTranslateBackend,
    MachineEngine.DEEPL: DeepLBackend,
    MachineEngine.OPENAI: OpenAIChatBackend,
}


def _aad(organisation_id: int) -> bytes:
    return f"microcred-machine-translation-key:{organisation_id}".encode()


def service_get(organisation: Organisation) -> MachineTranslationService | None:
    return MachineTranslationService.objects.filter(organisation=organisation).first()


def service_backend(service: MachineTranslationService) -> Any:
    """The configured engine, its API key decrypted for this use only."""
    api_key = ""
    if service.api_key_sealed:
        api_key = secret_unseal(bytes(service.api_key_sealed), aad=_aad(service.organisation_id))
    config = ServiceConfig(endpoint=service.endpoint, api_key=api_key, model=service.model_name)
    return ENGINES[service.engine](config)


def pairs_parse(text: str) -> list[list[str]]:
    """``"en-es, en>pt-br"`` (commas, spaces or lines) as ``[["en", "es"], ["en", "pt-br"]]``."""
    pairs: list[list[str]] = []
    for raw in text.replace(",", " ").split():
        source, _sep, target = raw.partition(">") if ">" in raw else raw.partition("-")
        source, target = source.strip().lower(), target.strip().lower()
        if not (LANGUAGE_CODE.match(source) and LANGUAGE_CODE.match(target)) or source == target:
            raise ApplicationError(
                "pairs",
                _("“%(pair)s” is not a language pair such as en-es.") % {"pair": raw},
                field="language_pairs",
            )
        if [source, target] not in pairs:
            pairs.append([source, target])
    return pairs


def pairs_text(pairs: list[list[str]]) -> str:
    return ", ".join(f"{s}-{t}" if "-" not in s + t else f"{s}>{t}" for s, t in pairs)


def _check(engine: str, endpoint: str, model_name: str, pairs: list[list[str]]) -> None:
    if engine not in ENGINES:
        raise ApplicationError("engine", _("Choose a translation engine."), field="engine")
    if not pairs:
        raise ApplicationError(
            "pairs", _("Name at least one language pair, such as en-es."), field="language_pairs"
        )
    if engine == MachineEngine.APERTIUM:
        missing = [f"{s}-{t}" for s, t in pairs if apertium_mode(s, t) is None]
        if missing:
            raise ApplicationError(
                "pairs",
                _("Apertium has no %(pair)s pair installed on this server.") % {"pair": missing[0]},
                field="language_pairs",
            )
        return
    if ENGINES[engine].needs_endpoint and not endpoint:
        raise ApplicationError("endpoint", _("Give the service's address."), field="endpoint")
    if endpoint:
        parts = urlsplit(endpoint)
        host = (parts.hostname or "").lower()
        listed = {h.lower() for h in allowed_hosts()}
        if host not in listed and f"{host}:{parts.port}" not in listed:
            raise ApplicationError(
                "endpoint",
                _(
                    "%(host)s is not on this server's list of allowed translation services; "
                    "ask the operator to add it to MICROCRED_MT_ALLOWED_HOSTS."
                )
                % {"host": host or endpoint},
                field="endpoint",
            )
    if engine == MachineEngine.OPENAI and not model_name:
        raise ApplicationError("model", _("Give the model's name."), field="model_name")


@transaction.atomic
def service_save(
    *, organisation: Organisation, actor: Any, values: dict[str, Any]
) -> MachineTranslationService:
    """Create or change the organisation's engine. A blank API key keeps the stored one."""
    engine = str(values.get("engine", ""))
    endpoint = str(values.get("endpoint", "")).strip()
    model_name = str(values.get("model_name", "")).strip()
    pairs = pairs_parse(str(values.get("language_pairs", "")))
    _check(engine, endpoint, model_name, pairs)
    service = service_get(organisation) or MachineTranslationService(organisation=organisation)
    service.engine, service.endpoint, service.model_name = engine, endpoint, model_name
    service.language_pairs = pairs
    api_key = str(values.get("api_key", "")).strip()
    if values.get("clear_api_key"):
        service.api_key_sealed, service.api_key_hint = None, ""
    if api_key:
        service.api_key_sealed = secret_seal(api_key, aad=_aad(organisation.pk))
        service.api_key_hint = api_key[-4:]
    service.save()
    audit_record(
        action="learning.machine_translation_configure",
        actor=actor,
        organisation=organisation,
        target=service,
        data={"engine": engine, "endpoint": endpoint, "pairs": pairs, "new_key": bool(api_key)},
    )
    return service
