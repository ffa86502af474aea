"""The search box parser: what readers type, what it means, and that no input can break the
SQLite FTS5 or PostgreSQL tsquery expression built from it."""

from __future__ import annotations

import random
import re
import sqlite3
from dataclasses import replace

import pytest

from ficarchive.search.query import (
    MAX_QUERY_LENGTH,
    MAX_RANGES,
    MAX_TERMS,
    ParsedQuery,
    Range,
    parse_query,
    to_fts5,
    to_tsquery,
)

POSTGRES_URL = "postgresql://postgres@127.0.0.1:5432/postgres"

# Words ---------------------------------------------------------------------------------------


def test_plain_words_are_lower_cased_and_all_kept():
    assert parse_query("Dragon  SLAYER\tking").words == ("dragon", "slayer", "king")


def test_an_empty_box_asks_for_nothing():
    query = parse_query("   ")
    assert query == ParsedQuery()
    assert not query.has_text


def test_surrounding_punctuation_is_stripped():
    assert parse_query('(dragon), "slayer"!? ...king...').words == ("dragon", "king")


def test_punctuation_inside_a_word_splits_it():
    assert parse_query("u.s.a. 3.14 snake_case").words == (
        "u",
        "s",
        "a",
        "3",
        "14",
        "snake",
        "case",
    )


def test_apostrophes_and_hyphens_between_letters_stay():
    assert parse_query("don't well-known").words == ("don't", "well-known")


def test_typographic_apostrophes_become_straight_ones():
    assert parse_query("don’t rock’n’roll").words == ("don't", "rock'n'roll")


def test_leading_and_trailing_apostrophes_and_hyphens_go():
    assert parse_query("'tis well- -ish--").words == ("tis", "well")


def test_doubled_hyphens_split():
    assert parse_query("before--after").words == ("before", "after")


def test_repeated_words_are_kept_once():
    assert parse_query("the cat the Cat").words == ("the", "cat")


def test_symbols_and_emoji_are_not_words():
    assert parse_query("🐉 ♥ dragon ™").words == ("dragon",)


def test_has_text_is_true_for_a_word():
    assert parse_query("dragon").has_text


# Prefixes ------------------------------------------------------------------------------------


def test_a_trailing_star_makes_a_prefix():
    assert parse_query("drag*").words == ("drag*",)


def test_a_single_letter_prefix_is_allowed():
    assert parse_query("d*").words == ("d*",)


def test_a_lone_star_is_ignored():
    assert parse_query("* dragon **").words == ("dragon",)


def test_a_leading_star_is_punctuation():
    assert parse_query("*dragon").words == ("dragon",)


def test_extra_stars_after_a_prefix_are_dropped():
    assert parse_query("drag**").words == ("drag*",)


def test_a_star_inside_a_word_ends_a_prefix():
    assert parse_query("drag*on").words == ("drag*", "on")


def test_prefix_and_whole_word_are_different_terms():
    assert parse_query("drag drag*").words == ("drag", "drag*")


def test_a_prefix_may_end_a_hyphenated_word():
    assert parse_query("well-kn*").words == ("well-kn*",)


def test_a_star_after_punctuation_is_not_a_prefix():
    assert parse_query("don'* well-*").words == ("don", "well")


# Phrases ---------------------------------------------------------------------------------------


def test_straight_quotes_make_a_phrase():
    query = parse_query('"Slow  Burn" dragon')
    assert (query.phrases, query.words) == (("slow burn",), ("dragon",))


def test_typographic_quotes_make_a_phrase():
    assert parse_query("“slow burn” „enemies to lovers“").phrases == (
        "slow burn",
        "enemies to lovers",
    )


def test_an_unterminated_quote_runs_to_the_end():
    assert parse_query('dragon "slow burn ending').phrases == ("slow burn ending",)


def test_an_empty_phrase_is_dropped():
    query = parse_query('"" “ ” dragon')
    assert (query.phrases, query.words, query.ignored) == ((), ("dragon",), ())


def test_a_quote_inside_a_word_starts_a_phrase():
    query = parse_query('dragon"slow burn"king')
    assert (query.words, query.phrases) == (("dragon", "king"), ("slow burn",))


def test_phrase_words_are_normalised_like_words():
    assert parse_query('"Don’t, STOP... me-now!"').phrases == ("don't stop me-now",)


def test_a_star_in_a_phrase_is_not_a_prefix():
    assert parse_query('"slow bur*"').phrases == ("slow bur",)


def test_shortcuts_in_a_phrase_are_text():
    query = parse_query('"sort:kudos words>5"')
    assert (query.phrases, query.sort, query.ranges, query.ignored) == (
        ("sort kudos words 5",),
        None,
        (),
        (),
    )


def test_has_text_is_true_for_a_phrase():
    assert parse_query('"slow burn"').has_text


# Exclusions ------------------------------------------------------------------------------------


def test_a_leading_minus_excludes_a_word():
    query = parse_query("dragon -angst")
    assert (query.words, query.excluded_words) == (("dragon",), ("angst",))


def test_a_leading_minus_excludes_a_phrase():
    query = parse_query('dragon -"major character death"')
    assert query.excluded_phrases == ("major character death",)
    assert query.phrases == ()


def test_a_leading_minus_excludes_a_typographic_phrase():
    assert parse_query("-“slow burn”").excluded_phrases == ("slow burn",)


def test_an_excluded_prefix():
    assert parse_query("-drag*").excluded_words == ("drag*",)


def test_doubled_minus_still_excludes():
    assert parse_query("--angst").excluded_words == ("angst",)


def test_a_lone_minus_is_ignored():
    query = parse_query("dragon - angst")
    assert (query.words, query.excluded_words, query.ignored) == (("dragon", "angst"), (), ())


def test_a_minus_inside_a_word_is_a_hyphen():
    assert parse_query("x-men").words == ("x-men",)


def test_an_excluded_token_with_punctuation_excludes_each_word():
    assert parse_query("-angst.fluff").excluded_words == ("angst", "fluff")


def test_exclusions_alone_are_not_text():
    assert not parse_query('-angst -"slow burn"').has_text


# Ranges ------------------------------------------------------------------------------------------


@pytest.mark.parametrize("field", ["words", "hits", "kudos", "comments", "bookmarks", "chapters"])
@pytest.mark.parametrize("op", [">", ">=", "<", "<=", "="])
def test_every_range_field_and_operator(field, op):
    query = parse_query(f"{field}{op}25")
    assert (query.ranges, query.words, query.ignored) == ((Range(field, op, 25),), (), ())


def test_range_keys_are_case_insensitive():
    assert parse_query("Words>=10").ranges == (Range("words", ">=", 10),)


def test_a_colon_on_a_range_means_equals():
    assert parse_query("chapters:1").ranges == (Range("chapters", "=", 1),)


def test_range_numbers_may_group_thousands_with_commas():
    assert parse_query("words>1,000,000").ranges == (Range("words", ">", 1_000_000),)


def test_range_numbers_may_group_thousands_with_underscores():
    assert parse_query("hits<=2_500").ranges == (Range("hits", "<=", 2500),)


def test_misplaced_thousands_separators_are_not_a_number():
    query = parse_query("words>1,00")
    assert (query.ranges, query.ignored, query.words) == ((), ("words>1,00",), ("words", "1", "00"))


def test_two_ranges_on_one_field_make_a_span():
    assert parse_query("words>=1000 words<5000").ranges == (
        Range("words", ">=", 1000),
        Range("words", "<", 5000),
    )


def test_a_repeated_range_is_kept_once():
    assert parse_query("kudos>5 kudos>5").ranges == (Range("kudos", ">", 5),)


def test_a_non_numeric_range_is_ignored_and_searched_as_words():
    query = parse_query("words>abc")
    assert (query.ranges, query.words, query.ignored) == ((), ("words", "abc"), ("words>abc",))


def test_a_negative_range_is_ignored():
    query = parse_query("kudos>-5")
    assert (query.ranges, query.ignored) == ((), ("kudos>-5",))


def test_a_range_too_big_for_the_database_is_ignored():
    query = parse_query("hits>99999999999")
    assert (query.ranges, query.ignored) == ((), ("hits>99999999999",))


def test_a_range_without_a_value_is_ignored():
    query = parse_query("words>")
    assert (query.ranges, query.words, query.ignored) == ((), ("words",), ("words>",))


def test_an_operator_on_an_unknown_key_is_just_words():
    query = parse_query("love<3 x=y")
    assert (query.words, query.ignored) == (("love", "3", "x", "y"), ())


# Sort ---------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "key",
    ["best", "creator", "title", "posted", "updated", "words", "hits", "kudos", "comments",
     "bookmarks"],
)  # fmt: skip
def test_every_sort_key(key):
    query = parse_query(f"sort:{key}")
    assert (query.sort, query.sort_desc, query.words) == (key, None, ())


@pytest.mark.parametrize(
    ("alias", "key"), [("date", "updated"), ("relevance", "best"), ("author", "creator")]
)
def test_sort_aliases(alias, key):
    assert parse_query(f"sort:{alias}").sort == key


def test_sort_is_case_insensitive():
    assert parse_query("SORT:Kudos").sort == "kudos"


@pytest.mark.parametrize(
    ("direction", "descending"),
    [("asc", False), ("desc", True), ("ascending", False), ("descending", True)],
)
def test_sort_direction(direction, descending):
    query = parse_query(f"sort:words:{direction}")
    assert (query.sort, query.sort_desc) == ("words", descending)


def test_sort_may_use_equals():
    assert parse_query("sort=hits").sort == "hits"


def test_the_last_sort_wins():
    query = parse_query("sort:kudos:asc sort:hits")
    assert (query.sort, query.sort_desc) == ("hits", None)


def test_an_unknown_sort_is_ignored_and_searched_as_words():
    query = parse_query("sort:popularity")
    assert (query.sort, query.words, query.ignored) == (
        None,
        ("sort", "popularity"),
        ("sort:popularity",),
    )


def test_an_unknown_sort_direction_is_ignored():
    query = parse_query("sort:words:sideways")
    assert (query.sort, query.ignored) == (None, ("sort:words:sideways",))


def test_a_sort_comparison_is_ignored():
    query = parse_query("sort>kudos")
    assert (query.sort, query.ignored) == (None, ("sort>kudos",))


# Complete, single chapter, language --------------------------------------------------------


@pytest.mark.parametrize(
    ("value", "expected"), [("true", True), ("yes", True), ("false", False), ("no", False)]
)
def test_complete(value, expected):
    assert parse_query(f"complete:{value}").complete is expected


@pytest.mark.parametrize(
    ("value", "expected"), [("true", True), ("YES", True), ("false", False), ("No", False)]
)
def test_single_chapter(value, expected):
    assert parse_query(f"single:{value}").single_chapter is expected


def test_a_bad_boolean_is_ignored_and_searched_as_words():
    query = parse_query("complete:maybe")
    assert (query.complete, query.words, query.ignored) == (
        None,
        ("complete", "maybe"),
        ("complete:maybe",),
    )


def test_the_last_completion_wins():
    assert parse_query("complete:yes complete:no").complete is False


@pytest.mark.parametrize("key", ["lang", "language", "LANG"])
def test_language(key):
    assert parse_query(f"{key}:ja").language == "ja"


def test_a_language_with_a_region_is_lower_cased():
    assert parse_query("lang:pt-BR").language == "pt-br"


def test_a_language_with_an_underscore_gets_a_hyphen():
    assert parse_query("language:pt_br").language == "pt-br"


def test_a_language_that_is_not_a_code_is_ignored():
    query = parse_query("lang:english")
    assert (query.language, query.words, query.ignored) == (
        None,
        ("lang", "english"),
        ("lang:english",),
    )


# Not understood ------------------------------------------------------------------------------


def test_an_unknown_key_is_reported_and_searched_as_its_words():
    query = parse_query("foo:bar")
    assert (query.words, query.ignored) == (("foo", "bar"), ("foo:bar",))


def test_a_title_ending_in_a_colon_is_not_reported():
    query = parse_query("Harry Potter: the sequel")
    assert (query.words, query.ignored) == (("harry", "potter", "the", "sequel"), ())


def test_ignored_keeps_the_case_typed():
    assert parse_query("Fandom:Lanternwick").ignored == ("Fandom:Lanternwick",)


def test_ignored_is_reported_once():
    assert parse_query("foo:bar foo:bar").ignored == ("foo:bar",)


def test_a_negated_shortcut_is_reported_and_its_words_excluded():
    query = parse_query("dragon -complete:yes")
    assert (query.complete, query.excluded_words, query.ignored) == (
        None,
        ("complete", "yes"),
        ("-complete:yes",),
    )


def test_an_unknown_key_in_a_negated_token_is_reported():
    query = parse_query("-foo:bar")
    assert (query.excluded_words, query.ignored) == (("foo", "bar"), ("-foo:bar",))


def test_a_link_is_searched_as_its_words():
    query = parse_query("https://example.com/a")
    assert query.words == ("https", "example", "com", "a")
    assert query.ignored == ("https://example.com/a",)


# Unicode -------------------------------------------------------------------------------------


def test_japanese_words():
    assert parse_query("魔法少女 まどか").words == ("魔法少女", "まどか")


def test_japanese_punctuation_separates():
    assert parse_query("魔法、少女。").words == ("魔法", "少女")


def test_accented_letters_are_kept_and_lower_cased():
    assert parse_query("Café NAÏVE Ærø").words == ("café", "naïve", "ærø")


def test_decomposed_accents_are_composed():
    assert parse_query("cafe\u0301").words == ("café",)


def test_combining_marks_stay_inside_words():
    assert parse_query("हिन्दी").words == ("हिन्दी",)


def test_non_latin_scripts_and_digits():
    assert parse_query("Война 2024 Ελληνικά").words == ("война", "2024", "ελληνικά")


def test_unicode_whitespace_separates():
    assert parse_query("a\u00a0b\u3000c\u2028d").words == ("a", "b", "c", "d")


def test_control_characters_are_dropped():
    assert parse_query("dra\x00gon \x07").words == ("dra", "gon")


def test_typographic_phrase_in_japanese():
    assert parse_query("“魔法 少女”").phrases == ("魔法 少女",)


# Limits ---------------------------------------------------------------------------------------


def test_at_most_32_terms_and_the_rest_reported():
    query = parse_query(" ".join(f"w{i}" for i in range(40)))
    assert query.words == tuple(f"w{i}" for i in range(MAX_TERMS))
    assert query.ignored == tuple(f"w{i}" for i in range(MAX_TERMS, 40))


def test_the_term_limit_counts_phrases_and_exclusions():
    text = " ".join(f"w{i}" for i in range(30)) + ' "a b" -c -"d e" f'
    query = parse_query(text)
    assert (query.phrases, query.excluded_words) == (("a b",), ("c",))
    assert query.ignored == ('-"d e"', "f")


def test_repeats_do_not_count_towards_the_term_limit():
    query = parse_query("same " * 100 + "other")
    assert query.words == ("same", "other")


def test_ranges_are_limited_separately():
    query = parse_query(" ".join(f"words>{i}" for i in range(MAX_RANGES + 1)))
    assert len(query.ranges) == MAX_RANGES
    assert query.ignored == (f"words>{MAX_RANGES}",)


def test_input_is_cut_at_1000_characters_at_a_space():
    words = [f"w{i:03}" for i in range(250)]  # 5 characters each with its space
    query = parse_query(" ".join(words))
    kept = MAX_QUERY_LENGTH // 5
    assert query.words == tuple(words[:MAX_TERMS])
    assert query.ignored[0] == " ".join(words[kept:])[:40] + "…"


def test_input_cut_does_not_halve_a_word():
    text = "a" * 995 + " " + "dragon" + " later"
    query = parse_query(text)
    assert query.words == ("a" * 995,)
    assert query.ignored == ("dragon later",)


def test_a_single_long_word_is_cut_hard():
    query = parse_query("x" * 1500)
    assert query.words == ("x" * MAX_QUERY_LENGTH,)
    assert query.ignored == ("x" * 40 + "…",)


def test_exactly_1000_characters_are_all_read():
    query = parse_query("y" * MAX_QUERY_LENGTH)
    assert (query.words, query.ignored) == (("y" * MAX_QUERY_LENGTH,), ())


# Unparse ---------------------------------------------------------------------------------------


def test_unparse_canonical_form():
    query = parse_query(
        "LANG:JA Complete:Yes sort:date:DESC words>=1,000 -“no thanks” -angst "
        "“slow  burn” drag* Dragon single:false"
    )
    assert query.unparse() == (
        'drag* dragon "slow burn" -angst -"no thanks" words>=1000 sort:updated:desc '
        "complete:yes single:no lang:ja"
    )


def test_unparse_of_nothing_is_empty():
    assert parse_query("").unparse() == ""


@pytest.mark.parametrize(
    "text",
    [
        "dragon slayer",
        'dragon "slow burn" -angst -"major character death" drag*',
        "words>1,000 hits<=50 kudos=3 comments<9 bookmarks>=1 chapters:1",
        "sort:kudos:asc complete:no single:yes language:pt_BR",
        "sort:relevance",
        "don't well-known 魔法少女 café",
        "foo:bar words>abc -complete:yes",
        '"unterminated phrase',
    ],
)
def test_unparse_round_trips(text):
    query = parse_query(text)
    assert parse_query(query.unparse()) == replace(query, ignored=())


def test_unparse_of_a_built_query_round_trips():
    query = ParsedQuery(
        words=("a*",), phrases=("b c",), ranges=(Range("hits", ">", 1),), sort_desc=None
    )
    assert parse_query(query.unparse()) == query


# FTS5 expressions ------------------------------------------------------------------------------


def test_fts5_words_are_quoted_and_joined_with_and():
    assert to_fts5(parse_query("dragon slayer")) == '"dragon" AND "slayer"'


def test_fts5_prefix():
    assert to_fts5(parse_query("drag*")) == '"drag"*'


def test_fts5_phrase():
    assert to_fts5(parse_query('"slow burn"')) == '"slow burn"'


def test_fts5_exclusions_follow_one_positive():
    assert to_fts5(parse_query("dragon -angst")) == '"dragon" NOT "angst"'


def test_fts5_exclusions_follow_bracketed_positives():
    assert (
        to_fts5(parse_query('dragon "slow burn" -angst -"major death" -sad*'))
        == '("dragon" AND "slow burn") NOT "angst" NOT "sad"* NOT "major death"'
    )


def test_fts5_nothing_positive_is_none():
    assert to_fts5(parse_query("-angst sort:kudos words>5")) is None


def test_fts5_apostrophes_and_hyphens_stay_inside_the_quotes():
    assert to_fts5(parse_query("don't well-known")) == '"don\'t" AND "well-known"'


def test_fts5_doubles_a_double_quote_inside_a_term():
    assert to_fts5(ParsedQuery(words=('say"what',))) == '"say""what"'


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("title:x", '"title" AND "x"'),
        ("NEAR(a b)", '"near" AND "a" AND "b"'),
        ("a OR b", '"a" AND "or" AND "b"'),
        ("a AND NOT b", '"a" AND "and" AND "not" AND "b"'),
        ('x " y', '"x" AND "y"'),
        ("x ' y", '"x" AND "y"'),
        ("x \\ y", '"x" AND "y"'),
        ("(x) ( )", '"x"'),
        ("x :* ^y", '"x" AND "y"'),
        ("x & | ! <-> y", '"x" AND "y"'),
        ("{title body}: x", '"title" AND "body" AND "x"'),
        ("x -", '"x"'),
    ],
)
def test_fts5_hostile_input_is_inert(text, expected):
    assert to_fts5(parse_query(text)) == expected


# tsquery expressions ---------------------------------------------------------------------------


def test_tsquery_words_are_quoted_and_joined_with_and():
    assert to_tsquery(parse_query("dragon slayer")) == "'dragon' & 'slayer'"


def test_tsquery_prefix():
    assert to_tsquery(parse_query("drag*")) == "'drag':*"


def test_tsquery_phrase():
    assert to_tsquery(parse_query('"slow burn ending"')) == "('slow' <-> 'burn' <-> 'ending')"


def test_tsquery_exclusions():
    assert (
        to_tsquery(parse_query('dragon -angst -"major death" -sad*'))
        == "'dragon' & !'angst' & !'sad':* & !('major' <-> 'death')"
    )


def test_tsquery_nothing_positive_is_none():
    assert to_tsquery(parse_query('-"slow burn" lang:en')) is None


def test_tsquery_doubles_apostrophes():
    assert to_tsquery(parse_query("don't")) == "'don''t'"


def test_tsquery_doubles_backslashes_and_apostrophes_inside_a_term():
    assert to_tsquery(ParsedQuery(words=("a\\'b",))) == "'a\\\\''b'"


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("title:x", "'title' & 'x'"),
        ("NEAR(a b)", "'near' & 'a' & 'b'"),
        ("a | b", "'a' & 'b'"),
        ("a & !b", "'a' & 'b'"),
        ("a <-> b", "'a' & 'b'"),
        ("a:* b:A", "'a' & 'b'"),
        ("x ' y", "'x' & 'y'"),
        ("x \\ y", "'x' & 'y'"),
        ("x (y) ()", "'x' & 'y'"),
        ('x " y', "'x' & ('y')"),
        ("o'neil", "'o''neil'"),
    ],
)
def test_tsquery_hostile_input_is_inert(text, expected):
    assert to_tsquery(parse_query(text)) == expected


# Never breaks ------------------------------------------------------------------------------------

NASTY = [
    *"aZé日の\u0301İßΣ0١٢9",
    *" \t\n\u00a0\u3000\u2028",
    *"\"“”„‟＂'’`-‐*:<>=!&|()[]{}^\\/.,;_~#@$%?+",
    "\x00",
    "\x7f",
    "\ud800",
    "\u200d",
    "🐉",
    "AND",
    "OR",
    "NOT",
    "NEAR",
    "<->",
    ":*",
    "sort:",
    "kudos",
    "words>",
    ">=",
    "lang:",
    "complete:",
    "single:",
    "title:",
    "1,000",
    "desc",
    "date",
    "yes",
    # Whole shortcuts and token starts, so that filters and exclusions come up often.
    " -",
    ' -"',
    " “",
    " x*",
    " sort:date:asc",
    " sort:kudos",
    " words>=1_000",
    " hits<2,000",
    " complete:yes",
    " single:no",
    " lang:pt-br",
    " foo:bar",
]


def random_corpus(count: int = 2000) -> list[str]:
    """Seeded, so a failure is repeatable: short strings of awkward pieces."""
    rng = random.Random(20240611)
    texts = ["".join(rng.choices(NASTY, k=rng.randint(0, 40))) for _ in range(count)]
    texts.append("".join(rng.choices(NASTY, k=1200)))  # over the length cap
    return texts


def fts5_outside_quotes(expression: str) -> str:
    return re.sub(r'"(?:[^"]|"")*"', "", expression)


def tsquery_outside_quotes(expression: str) -> str:
    return re.sub(r"'(?:[^'\\]|''|\\.)*'", "", expression)


def test_random_input_never_breaks_the_parser_or_the_expressions():
    for text in random_corpus():
        query = parse_query(text)
        fts5 = to_fts5(query)
        tsquery = to_tsquery(query)
        assert (fts5 is None) == (tsquery is None) == (not query.has_text), text
        if fts5 is not None:
            assert fts5.count('"') % 2 == 0, text
            # Outside the quoted terms there is only our own syntax.
            assert re.fullmatch(r"(?:AND|NOT|[ ()*])*", fts5_outside_quotes(fts5)), text
            assert re.fullmatch(r"(?:<->|:\*|[ &!()])*", tsquery_outside_quotes(tsquery)), text


def test_random_input_round_trips_through_unparse():
    for text in random_corpus():
        query = parse_query(text)
        canonical = query.unparse()
        if len(canonical) <= MAX_QUERY_LENGTH:
            assert parse_query(canonical) == replace(query, ignored=()), text


def test_sqlite_fts5_accepts_every_expression():
    database = sqlite3.connect(":memory:")
    database.execute("CREATE VIRTUAL TABLE t USING fts5(a, b)")
    database.execute("INSERT INTO t VALUES ('title x near', 'a or b don''t well-known 日本語')")
    for text in random_corpus():
        query = parse_query(text)
        for single in [query, *exclusions_as_positives(query)]:
            expression = to_fts5(single)
            if expression is not None:
                database.execute("SELECT count(*) FROM t WHERE t MATCH ?", [expression])


def test_sqlite_fts5_searches_hostile_words_as_text():
    database = sqlite3.connect(":memory:")
    database.execute("CREATE VIRTUAL TABLE t USING fts5(a, b)")
    database.execute("INSERT INTO t VALUES ('title x', 'near a or b')")
    database.execute("INSERT INTO t VALUES ('dragon', 'slow burn, angst')")

    def count(text: str) -> int:
        sql = "SELECT count(*) FROM t WHERE t MATCH ?"
        return database.execute(sql, [to_fts5(parse_query(text))]).fetchone()[0]

    assert count("title:x NEAR(a b) a OR b") == 1
    assert count('dragon "slow burn"') == 1
    assert count('dragon "burn slow"') == 0
    assert count("dragon -angst") == 0
    assert count("dra* -angst*") == 0
    assert count("dra* -fluff") == 1


def exclusions_as_positives(query: ParsedQuery) -> list[ParsedQuery]:
    """Each exclusion on its own, as the search backends look them up."""
    return [ParsedQuery(words=(w,)) for w in query.excluded_words] + [
        ParsedQuery(phrases=(p,)) for p in query.excluded_phrases
    ]


@pytest.fixture(scope="module")
def postgres():
    psycopg = pytest.importorskip("psycopg")
    try:
        connection = psycopg.connect(POSTGRES_URL, connect_timeout=3, autocommit=True)
    except psycopg.Error as error:
        pytest.skip(f"no PostgreSQL at {POSTGRES_URL}: {error}")
    yield connection
    connection.close()


@pytest.mark.parametrize("config", ["english", "simple"])
def test_postgres_accepts_every_tsquery(postgres, config):
    for text in random_corpus():
        query = parse_query(text)
        for single in [query, *exclusions_as_positives(query)]:
            expression = to_tsquery(single)
            if expression is not None:
                postgres.execute("SELECT to_tsquery(%s::regconfig, %s)", [config, expression])


def test_postgres_searches_hostile_words_as_text(postgres):
    def matches(document: str, text: str) -> bool:
        sql = "SELECT to_tsvector('simple', %s) @@ to_tsquery('simple', %s)"
        return postgres.execute(sql, [document, to_tsquery(parse_query(text))]).fetchone()[0]

    assert matches("a | b ! c", "a | !b")
    assert matches("slow burn dragon", 'dragon "slow burn"')
    assert not matches("burn slow dragon", 'dragon "slow burn"')
    assert not matches("dragon angst", "dragon -angst")
    assert matches("dragonfly", "drag*")
    assert matches("o'neil", "o'neil")
