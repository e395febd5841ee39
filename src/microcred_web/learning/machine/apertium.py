"""Apertium, offline: ``apertium -u -f html <mode>`` as a subprocess with a timeout.

Debian packages ``apertium`` and a pair such as ``apertium-en-es`` (``make mtools``). The pair's
mode is ``en-es`` or, in newer packages, ``eng-spa``. All segments go in one run, each in its
own ``<p data-seg="N">`` so the HTML deformatter keeps them apart and passes the tokens through.
"""

from __future__ import annotations

import contextlib
import os
import re
import signal
import subprocess
from collections.abc import Sequence
from functools import lru_cache

from django.conf import settings
from django.utils.translation import gettext, gettext_lazy

from microcred_web.learning.machine.base import MachineTranslationError, ServiceConfig

TIMEOUT_SECONDS = 60  # MICROCRED_APERTIUM_TIMEOUT overrides
MAX_INPUT_BYTES = 2_000_000
_THREE_LETTERS = {
    "ca": "cat", "de": "deu", "en": "eng", "es": "spa", "eu": "eus", "fr": "fra", "gl": "glg",
    "it": "ita", "nl": "nld", "oc": "oci", "pt": "por", "ro": "ron",
}  # fmt: skip
_SEGMENT = re.compile(r'<p data-seg="(\d+)">(.*?)</p>', re.DOTALL)
#: the start, or a token, then the first letter after it
_AFTER_TOKEN = re.compile(r"""(^|<x\s+id=["'](\d+)["']\s*(?:/>|>\s*</x>))([^\w<]*)(\w)""")


def _keep_case(source: str, translated: str) -> str:
    """Apertium's HTML mode capitalises the word after every tag and at the start of a block;
    put back the lower case the source had after the same token (or at its start)."""
    lower_after = {
        match.group(2) or "": match.group(4).islower() for match in _AFTER_TOKEN.finditer(source)
    }

    def fix(match: re.Match[str]) -> str:
        letter = match.group(4)
        if lower_after.get(match.group(2) or "") and letter.isupper():
            letter = letter.lower()
        return match.group(1) + match.group(3) + letter

    return _AFTER_TOKEN.sub(fix, translated)


def _executable() -> str:
    return str(getattr(settings, "MICROCRED_APERTIUM", "apertium"))


@lru_cache(maxsize=4)
def installed_modes(executable: str) -> frozenset[str]:
    """The modes ``apertium -l`` lists (empty when Apertium is not installed)."""
    try:
        listing = subprocess.run(  # noqa: S603 (the configured executable, fixed arguments)
            [executable, "-l"], capture_output=True, text=True, timeout=10, check=False
        )
    except (OSError, subprocess.TimeoutExpired):
        return frozenset()
    return frozenset(line.strip() for line in listing.stdout.splitlines() if line.strip())


def apertium_mode(source: str, target: str) -> str | None:
    """The installed mode translating ``source`` into ``target``, if any."""
    modes = installed_modes(_executable())
    for src, tgt in ((source, target), (_THREE_LETTERS.get(source), _THREE_LETTERS.get(target))):
        if src and tgt and f"{src}-{tgt}" in modes:
            return f"{src}-{tgt}"
    return None


def _run(label: str, command: list[str], document: str) -> tuple[int, str, str]:
    """Run the pipeline in its own process group, killed whole when it overruns."""
    timeout = float(getattr(settings, "MICROCRED_APERTIUM_TIMEOUT", TIMEOUT_SECONDS))
    try:
        process = subprocess.Popen(  # noqa: S603 (the configured executable, an installed mode)
            command,
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
            start_new_session=True,
        )
    except OSError as exc:
        raise MachineTranslationError(label, gettext("Apertium is not installed")) from exc
    with process:
        try:
            stdout, stderr = process.communicate(document, timeout=timeout)
        except subprocess.TimeoutExpired as exc:
            with contextlib.suppress(ProcessLookupError):
                os.killpg(process.pid, signal.SIGKILL)
            process.communicate()
            raise MachineTranslationError(
                label, gettext("no answer within %(s)d s") % {"s": timeout}
            ) from exc
    return process.returncode, stdout, stderr


class ApertiumBackend:
    label = gettext_lazy("Apertium (offline, on this server)")
    needs_endpoint = False

    def __init__(self, config: ServiceConfig | None = None) -> None:
        self.config = config or ServiceConfig()

    def translate(self, texts: Sequence[str], source_lang: str, target_lang: str) -> list[str]:
        label = str(self.label)
        mode = apertium_mode(source_lang, target_lang)
        if mode is None:
            raise MachineTranslationError(
                label,
                gettext("no %(pair)s language pair is installed")
                % {"pair": f"{source_lang}→{target_lang}"},
            )
        document = "\n".join(f'<p data-seg="{n}">{text}</p>' for n, text in enumerate(texts))
        if len(document.encode()) > MAX_INPUT_BYTES:
            raise MachineTranslationError(label, gettext("the course is too large to send"))
        returncode, stdout, stderr = _run(
            label, [_executable(), "-u", "-f", "html", mode], document
        )
        if returncode != 0:
            raise MachineTranslationError(label, stderr.strip()[:200] or str(returncode))
        found = {int(n): text for n, text in _SEGMENT.findall(stdout)}
        if sorted(found) != list(range(len(texts))):
            raise MachineTranslationError(label, gettext("the output lost segments"))
        return [_keep_case(texts[n], found[n]) for n in range(len(texts))]
