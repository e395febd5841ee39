from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from hypothesis import given
from hypothesis import strategies as st

from microcred.suites.data_integrity import ProofConfigCache, canonicalize_rdfc

CONTEXTS = [
    ["https://www.w3.org/ns/credentials/v2"],
    [
        "https://www.w3.org/ns/credentials/v2",
        "https://purl.imsglobal.org/spec/ob/v3p0/context-3.0.3.json",
    ],
    [
        "https://www.w3.org/2018/credentials/v1",
        "https://purl.imsglobal.org/spec/ob/v3p0/context-3.0.1.json",
        "https://w3id.org/security/data-integrity/v1",
    ],
]

created_values = st.datetimes(
    min_value=datetime(1971, 1, 1),
    max_value=datetime(2099, 12, 31),
    timezones=st.just(UTC),
).map(lambda d: d.strftime("%Y-%m-%dT%H:%M:%S") + ("Z" if d.microsecond % 2 else ".5Z"))


def _config(context: list[str], created: str, method: str, purpose: str) -> dict[str, Any]:
    return {
        "@context": context,
        "type": "DataIntegrityProof",
        "cryptosuite": "eddsa-rdfc-2022",
        "created": created,
        "verificationMethod": method,
        "proofPurpose": purpose,
    }


SHARED_CACHE = ProofConfigCache(maxsize=8)


@given(
    context=st.sampled_from(CONTEXTS),
    created=created_values,
    method=st.sampled_from(
        ["did:key:z6MkjZRZv3aez3r18pB1RBFJR1kwUVJ5jHt92JmQwXbd5hwi#z6Mk", "https://a.example/k#1"]
    ),
    purpose=st.sampled_from(["assertionMethod", "authentication"]),
)
def test_cached_canonical_proof_config_equals_full_canonicalization(
    context: list[str], created: str, method: str, purpose: str
) -> None:
    config = _config(context, created, method, purpose)
    cached = SHARED_CACHE.canonical(config, canonicalize_rdfc)
    assert cached == canonicalize_rdfc(config)
    assert f'"{created}"' in cached


def test_cache_hits_after_the_first_shape_and_is_bounded() -> None:
    cache = ProofConfigCache(maxsize=2)
    for second in range(5):
        config = _config(
            CONTEXTS[1], f"2024-01-01T00:00:0{second}Z", "did:example:1#k", "assertionMethod"
        )
        assert cache.canonical(config, canonicalize_rdfc) == canonicalize_rdfc(config)
    assert (cache.misses, cache.hits) == (1, 4)
    for index in range(3):
        config = _config(
            CONTEXTS[0], "2024-01-01T00:00:00Z", f"did:example:{index}#k", "assertionMethod"
        )
        cache.canonical(config, canonicalize_rdfc)
    assert len(cache._templates) == 2
    cache.clear()
    assert (cache.misses, cache.hits, len(cache._templates)) == (0, 0, 0)


def test_unsafe_shapes_fall_back_to_full_canonicalization() -> None:
    calls: list[str] = []

    def two_blank_nodes(config: Any) -> str:
        calls.append(config["created"])
        return (
            f'_:c14n0 <http://purl.org/dc/terms/created> "{config["created"]}" .\n'
            "_:c14n0 <http://example.org/p> _:c14n1 .\n"
        )

    cache = ProofConfigCache()
    config = _config(CONTEXTS[0], "2024-01-01T00:00:00Z", "did:example:1#k", "assertionMethod")
    first = cache.canonical(config, two_blank_nodes)
    second = cache.canonical(dict(config, created="2025-01-01T00:00:00Z"), two_blank_nodes)
    assert '"2024-01-01T00:00:00Z"' in first and '"2025-01-01T00:00:00Z"' in second
    # Template probe + one full run per call: the unsafe template is never substituted.
    assert calls == ["1970-01-01T00:00:00Z", "2024-01-01T00:00:00Z", "2025-01-01T00:00:00Z"]


def test_non_utc_created_is_not_substituted() -> None:
    calls: list[str] = []

    def recorder(config: Any) -> str:
        calls.append(config["created"])
        return canonicalize_rdfc(config)

    cache = ProofConfigCache()
    config = _config(CONTEXTS[0], "2024-01-01T00:00:00+02:00", "did:example:1#k", "assertionMethod")
    assert cache.canonical(config, recorder) == canonicalize_rdfc(config)
    assert calls == ["2024-01-01T00:00:00+02:00"]


def test_large_configurations_are_not_remembered() -> None:
    """A verifier's caches must not grow with what strangers send (decision 0023)."""
    cache = ProofConfigCache(maxsize=8)
    method = "https://a.example/k#" + "x" * 5_000
    for second in range(3):
        config = _config(CONTEXTS[0], f"2024-01-01T00:00:0{second}Z", method, "assertionMethod")
        assert cache.canonical(config, canonicalize_rdfc) == canonicalize_rdfc(config)
        digest = cache.sha256(config, canonicalize_rdfc)
        assert len(digest) == 32
    assert (len(cache._templates), len(cache._digests), cache.hits) == (0, 0, 0)
