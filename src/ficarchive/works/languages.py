"""Languages a work can be written in: (code, name in that language), sorted for the menu."""

LANGUAGES = [
    ("ar", "العربية"), ("bg", "Български"), ("ca", "Català"), ("cs", "Čeština"),
    ("cy", "Cymraeg"), ("da", "Dansk"), ("de", "Deutsch"), ("el", "Ελληνικά"),
    ("en", "English"), ("eo", "Esperanto"), ("es", "Español"), ("et", "Eesti"),
    ("fa", "فارسی"), ("fi", "Suomi"), ("fr", "Français"), ("ga", "Gaeilge"),
    ("he", "עברית"), ("hi", "हिन्दी"), ("hr", "Hrvatski"), ("hu", "Magyar"),
    ("id", "Bahasa Indonesia"), ("is", "Íslenska"), ("it", "Italiano"), ("ja", "日本語"),
    ("ko", "한국어"), ("la", "Lingua latina"), ("lt", "Lietuvių"), ("lv", "Latviešu"),
    ("ms", "Bahasa Melayu"), ("nl", "Nederlands"), ("no", "Norsk"), ("pl", "Polski"),
    ("pt-br", "Português brasileiro"), ("pt-pt", "Português europeu"), ("ro", "Română"),
    ("ru", "Русский"), ("sk", "Slovenčina"), ("sl", "Slovenščina"), ("sr", "Српски"),
    ("sv", "Svenska"), ("th", "ไทย"), ("tl", "Tagalog"), ("tr", "Türkçe"),
    ("uk", "Українська"), ("vi", "Tiếng Việt"), ("zh", "中文"),
]  # fmt: skip
LANGUAGE_NAMES = dict(LANGUAGES)

_ENGLISH_NAMES = {
    "arabic": "ar", "chinese": "zh", "czech": "cs", "danish": "da", "dutch": "nl",
    "finnish": "fi", "french": "fr", "german": "de", "greek": "el", "hebrew": "he",
    "hungarian": "hu", "indonesian": "id", "italian": "it", "japanese": "ja", "korean": "ko",
    "norwegian": "no", "polish": "pl", "portuguese": "pt-br", "romanian": "ro",
    "russian": "ru", "spanish": "es", "swedish": "sv", "thai": "th", "turkish": "tr",
    "ukrainian": "uk", "vietnamese": "vi",
}  # fmt: skip
_BY_NAME = {name.casefold(): code for code, name in LANGUAGES}


def language_code(value: str) -> str | None:
    """The code for a language given as a code ("de"), its own name ("Deutsch") or its English
    name ("German"); None when we don't know it."""
    key = value.strip().casefold().replace("_", "-")
    if key in LANGUAGE_NAMES:
        return key
    return (
        _BY_NAME.get(key)
        or _ENGLISH_NAMES.get(key)
        or (key.split("-")[0] if key.split("-")[0] in LANGUAGE_NAMES else None)
    )
