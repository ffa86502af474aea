"""The demo prose generator: same seed, same text; roughly the words asked for; plain text."""

from __future__ import annotations

import pytest

from ficarchive.formats.prose import SCENE_BREAK, ProseGenerator
from ficarchive.formats.wordcount import count_words


def _sample(seed: int) -> tuple[str, str, str, str]:
    prose = ProseGenerator(seed)
    return prose.title(), prose.summary(), prose.paragraph(), prose.chapter_text(1500)


def test_same_seed_gives_the_same_text():
    assert _sample(42) == _sample(42)


def test_different_seeds_give_different_text():
    assert _sample(42) != _sample(43)
    assert len({ProseGenerator(seed).chapter_text(300) for seed in range(20)}) == 20


@pytest.mark.parametrize("target", [100, 800, 3000, 9000])
def test_chapter_meets_its_word_target_roughly(target):
    words = count_words(ProseGenerator(target).chapter_text(target))
    assert target <= words <= target * 1.1 + 200


def test_chapter_is_plain_text_in_paragraphs():
    text = ProseGenerator(7).chapter_text(4000)
    assert "<" not in text and ">" not in text and "&" not in text
    assert "{" not in text and "}" not in text, "every template slot is filled"
    assert text == text.strip() and "\n\n\n" not in text
    paragraphs = text.split("\n\n")
    assert len(paragraphs) > 10
    for paragraph in paragraphs:
        if paragraph != SCENE_BREAK:
            assert paragraph[0].isupper() or paragraph[0] == '"'
            assert paragraph[-1] in '.?!"'


def test_given_names_and_places_are_used():
    prose = ProseGenerator(3, names=["Odile", "Casimir"], places=["Lanternwick Hall"])
    text = prose.chapter_text(2000)
    assert "Odile" in text and "Casimir" in text and "Lanternwick Hall" in text
    assert "Maren" not in text  # the built-in cast stays out when a cast is given


def test_titles_and_summaries_read_like_titles_and_summaries():
    prose = ProseGenerator(11)
    titles = [prose.title() for _ in range(50)]
    assert all(title and title[0].isupper() and len(title) < 120 for title in titles)
    assert len(set(titles)) > 25
    summary = prose.summary()
    assert summary.endswith(".") and 30 < len(summary) < 1250
