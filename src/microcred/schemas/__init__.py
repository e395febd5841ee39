"""Pinned OB 3.0 / CLR 2.0 JSON Schemas (package data); see :mod:`microcred.schema`."""
