"""The verifier, one module per check (see :mod:`microcred.verify` for the public recipes).

:mod:`~microcred.verification.pipeline` runs the checks in the order of
:data:`~microcred.verification.report.CHECK_ORDER`; each check module returns
:class:`~microcred.verification.report.Check` objects and never raises for bad input.
"""
