"""A per-client token bucket kept in this process (no database, no cache server).

Each worker process has its own buckets, so the effective limit is ``rate`` × workers; that is
enough to stop one client from monopolising the public verifier.
"""

from __future__ import annotations

import threading
import time
from dataclasses import dataclass

from django.conf import settings


@dataclass(slots=True)
class _Bucket:
    tokens: float
    updated: float


class TokenBuckets:
    def __init__(self, *, rate: float, burst: float, max_clients: int = 10_000) -> None:
        self.rate = rate
        self.burst = burst
        self._max_clients = max_clients
        self._buckets: dict[str, _Bucket] = {}
        self._lock = threading.Lock()

    def allow(self, client: str) -> bool:
        """Take one token for ``client``; False when it has none left."""
        now = time.monotonic()
        with self._lock:
            bucket = self._buckets.get(client)
            if bucket is None:
                if len(self._buckets) >= self._max_clients:
                    self._buckets.clear()  # crude but bounded memory
                bucket = self._buckets[client] = _Bucket(self.burst, now)
            bucket.tokens = min(self.burst, bucket.tokens + (now - bucket.updated) * self.rate)
            bucket.updated = now
            if bucket.tokens < 1:
                return False
            bucket.tokens -= 1
            return True

    def retry_after(self) -> int:
        return max(1, int(1 / self.rate) if self.rate > 0 else 60)


_buckets: TokenBuckets | None = None


def verify_buckets() -> TokenBuckets:
    """The buckets of the verification API (rate and burst from settings)."""
    global _buckets
    rate = float(getattr(settings, "MICROCRED_VERIFY_RATE", 10))
    burst = float(getattr(settings, "MICROCRED_VERIFY_BURST", 30))
    if _buckets is None or _buckets.rate != rate or _buckets.burst != burst:
        _buckets = TokenBuckets(rate=rate, burst=burst)
    return _buckets
