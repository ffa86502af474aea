import pytest

from ficarchive.formats.wordcount import count_words


@pytest.mark.parametrize(
    ("text", "words"),
    [
        ("", 0),
        ("one two  three", 3),
        ("<p>one</p><p>two</p>", 2),
        ("one's well-known", 2),
        ("wait--what", 2),
        ("Hello, world! ... — ok", 3),
        ("日本語です", 5),
        ("English and 中文 mixed", 5),
        ("ภาษาไทย", 7),
        ("<p>a <em>b</em></p><script>c d e</script>", 2),
    ],
)
def test_count_words(text, words):
    assert count_words(text) == words
