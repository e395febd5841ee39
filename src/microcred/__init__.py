"""microcred: build, sign and verify Open Badges 3.0 / Verifiable Credentials 2.0.

The core package is pure: it never imports Django and never reaches the network.
"""

from __future__ import annotations

__version__ = "0.1.0"
