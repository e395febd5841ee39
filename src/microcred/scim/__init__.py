"""SCIM 2.0 (RFC 7643/7644) pure parts: the filter language and PATCH paths."""
