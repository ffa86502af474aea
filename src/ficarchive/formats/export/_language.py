"""The work's language as a BCP 47 tag (for lang and dc:language) and as a name (for people).

ParsedWork.language is a code ("de", "pt-br") when the archive made the work and whatever a
file said ("Deutsch", "German") when it was imported, so both directions are needed.
"""

from __future__ import annotations

import re

# Code, then the language's own name. The archive's menu lives in works/languages.py, which
# formats/ may not import; this table covers it and the names AO3 and others print.
_NAMES = {
    "ar": "العربية", "bg": "Български", "ca": "Català", "cs": "Čeština", "cy": "Cymraeg",
    "da": "Dansk", "de": "Deutsch", "el": "Ελληνικά", "en": "English", "eo": "Esperanto",
    "es": "Español", "et": "Eesti", "fa": "فارسی", "fi": "Suomi", "fr": "Français",
    "ga": "Gaeilge", "he": "עברית", "hi": "हिन्दी", "hr": "Hrvatski", "hu": "Magyar",
    "id": "Bahasa Indonesia", "is": "Íslenska", "it": "Italiano", "ja": "日本語",
    "ko": "한국어", "la": "Lingua latina", "lt": "Lietuvių", "lv": "Latviešu",
    "ms": "Bahasa Melayu", "nl": "Nederlands", "no": "Norsk", "pl": "Polski",
    "pt-br": "Português brasileiro", "pt-pt": "Português europeu", "ro": "Română",
    "ru": "Русский", "sk": "Slovenčina", "sl": "Slovenščina", "sr": "Српски",
    "sv": "Svenska", "th": "ไทย", "tl": "Tagalog", "tr": "Türkçe", "uk": "Українська",
    "vi": "Tiếng Việt", "zh": "中文",
}  # fmt: skip
_OTHER_NAMES = {
    "arabic": "ar", "bulgarian": "bg", "catalan": "ca", "chinese": "zh", "czech": "cs",
    "danish": "da", "dutch": "nl", "english": "en", "finnish": "fi", "french": "fr",
    "german": "de", "greek": "el", "hebrew": "he", "hungarian": "hu", "indonesian": "id",
    "italian": "it", "japanese": "ja", "korean": "ko", "latin": "la", "latine": "la",
    "norwegian": "no", "polish": "pl", "portuguese": "pt", "português": "pt",
    "romanian": "ro", "russian": "ru", "spanish": "es", "swedish": "sv", "thai": "th",
    "turkish": "tr", "ukrainian": "uk", "vietnamese": "vi", "中文-普通话 國語": "zh",
    "中文-广东话 粵語": "yue", "bahasa malaysia": "ms", "filipino": "fil",
}  # fmt: skip
_BY_NAME = {name.casefold(): code for code, name in _NAMES.items()} | _OTHER_NAMES
_TAG = re.compile(r"^[a-z]{2,3}(-[a-z0-9]{1,8})*$")


def _bcp47(code: str) -> str:
    """Conventional capitals: "pt-br" → "pt-BR", "zh-hant" → "zh-Hant"."""
    first, *rest = code.split("-")
    parts = [first]
    for sub in rest:
        parts.append(sub.upper() if len(sub) == 2 else sub.title() if len(sub) == 4 else sub)
    return "-".join(parts)


def language_tag(value: str) -> str:
    """A BCP 47 tag for the language, or "" when it's neither a code nor a name we know."""
    key = value.strip().casefold().replace("_", "-")
    if not key:
        return ""
    code = _BY_NAME.get(key)
    if code is None and _TAG.match(key):
        code = key
    return _bcp47(code) if code else ""


def language_name(value: str) -> str:
    """What the preface prints after "Language:": the language's own name when known."""
    key = value.strip().casefold().replace("_", "-")
    return _NAMES.get(key) or value.strip()
