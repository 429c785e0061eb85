"""The one language picker: a text in Vietnamese or English, by the active language."""

from django.utils.translation import get_language


def localised(vi: str, en: str) -> str:
    """Return the Vietnamese or English text for the active language (Vietnamese when English is empty)."""
    return en if (get_language() or "vi").startswith("en") and en else vi
