"""LTI 1.3 / LTI Advantage message rules (pure: no network, no Django)."""
