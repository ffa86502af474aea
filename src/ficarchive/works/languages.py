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
