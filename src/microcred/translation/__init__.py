"""Helpers for machine translation that need neither Django nor the network."""
