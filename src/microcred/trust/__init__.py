"""Issuer trust lists: registries of recognised issuers and the verifier's ``trust`` check."""
