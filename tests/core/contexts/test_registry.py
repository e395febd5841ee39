from __future__ import annotations

import hashlib
import json
import socket
from pathlib import Path
from typing import Any

import pytest

from microcred.contexts import (
    EU_MICROCREDENTIAL_V1,
    ContextRegistry,
    default_registry,
    pyld_document_loader,
)
from microcred.contexts import registry as registry_module
from microcred.errors import ContextIntegrityError, UnknownContext

VECTORS = Path(__file__).parents[2] / "vectors" / "contexts"
STANDARDS_INDEX = json.loads((VECTORS / "standards-index.json").read_text())["contexts"]
PACKAGE = Path(registry_module.__file__).parent


def test_every_standards_url_is_pinned_with_the_same_file_and_hash() -> None:
    shipped = json.loads((PACKAGE / "index.json").read_text())
    for url, entry in STANDARDS_INDEX.items():
        assert shipped[url]["file"] == entry["file"], url
        assert shipped[url]["sha256"] == entry["sha256"], url
        data = (PACKAGE / entry["file"]).read_bytes()
        assert hashlib.sha256(data).hexdigest() == entry["sha256"], url


def test_shipped_index_hashes_match_the_shipped_bytes() -> None:
    shipped = json.loads((PACKAGE / "index.json").read_text())
    for url, entry in shipped.items():
        data = (PACKAGE / entry["file"]).read_bytes()
        assert hashlib.sha256(data).hexdigest() == entry["sha256"], url


def test_every_pinned_url_loads() -> None:
    registry = ContextRegistry.shipped()
    for url in registry.urls():
        assert "@context" in registry.load(url)
    assert set(STANDARDS_INDEX) < set(registry.urls())


def test_alias_urls_serve_the_same_document() -> None:
    registry = ContextRegistry.shipped()
    assert registry.load("https://purl.imsglobal.org/spec/ob/v3p0/context/ob_v3p0.jsonld") == (
        registry.load("https://purl.imsglobal.org/spec/ob/v3p0/context.json")
    )


def test_eu_microcredential_context_is_pinned_protected_json_ld_11() -> None:
    ctx = default_registry().load(EU_MICROCREDENTIAL_V1)["@context"]
    assert ctx["@protected"] is True
    assert ctx["@version"] == 1.1
    vocab = "https://w3id.org/microcred/vocab#"
    for term in (
        "learningOutcome",
        "creditECTS",
        "eqfLevel",
        "assessmentType",
        "participationMode",
        "qualityAssurance",
        "prerequisite",
        "identityVerification",
        "gradingScheme",
        "stackability",
    ):
        assert ctx[term]["@id"] == vocab + term
    assert ctx["eqfLevel"]["@type"] == "http://www.w3.org/2001/XMLSchema#integer"
    assert ctx["creditECTS"]["@type"] == "http://www.w3.org/2001/XMLSchema#decimal"


def test_unknown_url_raises_and_is_never_fetched() -> None:
    registry = ContextRegistry.shipped()
    with pytest.raises(UnknownContext) as info:
        registry.load("https://example.com/not-pinned")
    assert info.value.url == "https://example.com/not-pinned"


def test_tampered_package_bytes_raise(monkeypatch: pytest.MonkeyPatch) -> None:
    registry = ContextRegistry.shipped()
    real = registry_module._package_bytes

    def tampered(name: str) -> bytes:
        data = real(name)
        return data.replace(b"https://schema.org/name", b"https://evil.example/name")

    monkeypatch.setattr(registry_module, "_package_bytes", tampered)
    with pytest.raises(ContextIntegrityError):
        registry.load("https://www.w3.org/ns/credentials/v2")


def test_operator_add_checks_the_pin() -> None:
    registry = ContextRegistry.shipped()
    data = b'{"@context": {"foo": "https://example.com/foo"}}'
    digest = hashlib.sha256(data).hexdigest()
    with pytest.raises(ContextIntegrityError):
        registry.add("https://example.com/ctx", data, sha256="0" * 64)
    assert "https://example.com/ctx" not in registry
    registry.add("https://example.com/ctx", data, sha256=digest)
    assert registry.load("https://example.com/ctx")["@context"] == {
        "foo": "https://example.com/foo"
    }
    assert registry.sha256("https://example.com/ctx") == digest


def test_operator_add_refuses_non_context_json() -> None:
    with pytest.raises(ContextIntegrityError):
        ContextRegistry().add("https://example.com/x", b'{"no": "context"}')
    with pytest.raises(ContextIntegrityError):
        ContextRegistry().add("https://example.com/x", b"not json")


def test_copy_is_independent() -> None:
    base = ContextRegistry.shipped()
    other = base.copy()
    other.add("https://example.com/ctx", b'{"@context": {}}')
    assert "https://example.com/ctx" in other
    assert "https://example.com/ctx" not in base


def test_add_file_and_env_config(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    data = b'{"@context": {"bar": "https://example.com/bar"}}'
    (tmp_path / "bar.jsonld").write_bytes(data)
    config = {
        "https://example.com/bar": {
            "file": "bar.jsonld",
            "sha256": hashlib.sha256(data).hexdigest(),
        }
    }
    (tmp_path / "contexts.json").write_text(json.dumps(config))
    monkeypatch.setenv("MICROCRED_CONTEXTS", str(tmp_path / "contexts.json"))
    monkeypatch.setattr(registry_module, "_default", None)
    registry = default_registry()
    assert registry.load("https://example.com/bar")["@context"]["bar"] == "https://example.com/bar"
    assert "https://www.w3.org/ns/credentials/v2" in registry

    single = ContextRegistry()
    single.add_file("https://example.com/bar", tmp_path / "bar.jsonld")
    assert "bar" in single.load("https://example.com/bar")["@context"]


def test_env_config_with_wrong_hash_fails(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    (tmp_path / "bar.jsonld").write_bytes(b'{"@context": {}}')
    config = {"https://example.com/bar": {"file": "bar.jsonld", "sha256": "ab" * 32}}
    (tmp_path / "contexts.json").write_text(json.dumps(config))
    monkeypatch.setenv("MICROCRED_CONTEXTS", str(tmp_path / "contexts.json"))
    monkeypatch.setattr(registry_module, "_default", None)
    with pytest.raises(ContextIntegrityError):
        default_registry()


def test_pyld_loader_serves_pinned_and_refuses_unknown() -> None:
    loader = pyld_document_loader(ContextRegistry.shipped())
    answer = loader("https://www.w3.org/ns/credentials/v2", {})
    assert answer["documentUrl"] == "https://www.w3.org/ns/credentials/v2"
    assert answer["contextUrl"] is None
    assert answer["document"]["@context"]["id"] == "@id"
    with pytest.raises(UnknownContext):
        loader("https://example.com/unknown", {})


def test_nothing_opens_a_socket(monkeypatch: pytest.MonkeyPatch) -> None:
    from microcred.canon import canonicalize_document, to_rdf

    def refuse(*args: Any, **kwargs: Any) -> None:
        raise AssertionError("a socket was opened")

    monkeypatch.setattr(socket, "socket", refuse)
    monkeypatch.setattr(socket, "create_connection", refuse)
    registry = ContextRegistry.shipped()
    for url in registry.urls():
        registry.load(url)
    document = {
        "@context": ["https://www.w3.org/ns/credentials/v2", {"ex": "https://example.com/#"}],
        "id": "urn:uuid:1",
        "type": "VerifiableCredential",
        "ex:thing": "x",
    }
    # the inline context forces the pyld fallback with the offline loader
    assert to_rdf(document, registry=registry)
    with pytest.raises(UnknownContext):
        to_rdf({"@context": "https://example.com/unknown", "name": "x"}, registry=registry)
    with pytest.raises(UnknownContext):
        canonicalize_document(
            {"@context": [{"@vocab": "https://example.com/#"}, "https://example.com/unknown"]},
            registry=registry,
        )
