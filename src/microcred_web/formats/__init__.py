"""Date formats per language (``FORMAT_MODULE_PATH``): one unambiguous form everywhere, the
month as a word ("7 Dec 2026", "7 déc. 2026"), never "12/07/2026" which reads as two dates.
Numbers keep Django's locale formats (decimal separators)."""
