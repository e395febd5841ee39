"""Machine translation engines (:class:`~microcred_web.learning.translation.TranslationBackend`).

Each engine receives XML segments from :mod:`microcred.translation.markup` (text escaped,
placeholders as ``<x id="N"/>``) and returns one segment per input. HTTP engines go through
:func:`~microcred_web.common.safe_fetch.service_post` (hosts allowed by the operator in
``MICROCRED_MT_ALLOWED_HOSTS``); Apertium runs locally as a subprocess.
"""
