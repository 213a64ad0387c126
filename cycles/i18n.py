"""Translations of user-facing text (gettext catalogs in ``cycles/locale``), English and Dutch.

Only the standard library's gettext: every layer marks its strings with ``_`` from here, and the
command line chooses the language once at start (``--lang``, the config, or the environment).
"""

from __future__ import annotations

import gettext
from pathlib import Path

DOMAIN = "cycles"
LOCALE_DIR = Path(__file__).parent / "locale"
LANGUAGES = ("en", "nl")

_translations: gettext.NullTranslations = gettext.NullTranslations()
_language = "en"


def set_language(lang: str) -> str:
    """Use ``lang`` for all later translations; unknown languages fall back to English."""
    global _translations, _language
    _language = lang if lang in LANGUAGES else "en"
    _translations = gettext.translation(DOMAIN, LOCALE_DIR, languages=[_language], fallback=True)
    return _language


def language() -> str:
    return _language


def _(message: str) -> str:
    return _translations.gettext(message)


def ngettext(singular: str, plural: str, n: int) -> str:
    return _translations.ngettext(singular, plural, n)


def N_(message: str) -> str:
    """Mark a string for extraction without translating it yet (translated where shown)."""
    return message
