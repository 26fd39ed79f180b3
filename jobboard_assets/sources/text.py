"""Text helpers shared by the normalizers (kept apart so `terms` and `normalize` can both use them)."""

from __future__ import annotations

import unicodedata


def fold(text: str) -> str:
    """Case- and accent-insensitive form: "Zürich" and "zurich" compare equal."""
    if text.isascii():  # nearly every title: nothing to fold but case
        return text.casefold()
    decomposed = unicodedata.normalize("NFKD", text)
    return "".join(c for c in decomposed if not unicodedata.combining(c)).casefold()
