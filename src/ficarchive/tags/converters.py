"""Tag names in URLs, readable: characters a path can't hold are written as *x* codes.

'*' is not allowed in tag names, so the codes can never be confused with a real name.
"""

_CODES = [("/", "*s*"), ("?", "*q*"), ("#", "*h*"), (".", "*d*")]


def escape_tag(name: str) -> str:
    for char, code in _CODES:
        name = name.replace(char, code)
    return name


def unescape_tag(value: str) -> str:
    for char, code in reversed(_CODES):
        value = value.replace(code, char)
    return value


class TagNameConverter:
    regex = r"[^/]+"

    def to_python(self, value: str) -> str:
        return unescape_tag(value)

    def to_url(self, value: str) -> str:
        return escape_tag(value)
