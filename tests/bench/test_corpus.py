"""The benchmark corpus (bench/corpus.py) and the search benchmark's query mix
(bench/search.py), on a tiny corpus: the data obeys the archive's rules, a seed gives the
same corpus every time, and every query class of the mix runs (no timings asserted)."""

from __future__ import annotations

import re
from io import StringIO

import pytest
from bench.corpus import build_corpus, vocabulary
from django.contrib.auth.models import AnonymousUser
from django.core.management import CommandError, call_command
from django.db import connection
from django.db.models import Count, Q

from bench import search as bench_search
from ficarchive.accounts.models import Pseud, User
from ficarchive.search.backends import START, backend
from ficarchive.search.filters import Filters, apply
from ficarchive.search.query import parse_query
from ficarchive.tags.models import FIXED_TYPES, Tag, TagFilter, TagType
from ficarchive.works.models import Chapter, Creatorship, FilterTagging, Series, Work

WORKS = 300
SEED = 3
TEXT_WORDS = 60_000


def build():
    return build_corpus(WORKS, fandoms=8, seed=SEED, text_words=TEXT_WORDS)


@pytest.fixture
def corpus(db):
    return build()


def snapshot() -> tuple:
    works = Work.objects.order_by("pk")
    return (
        list(works.values_list("title", "word_count", "chapter_count", "kudos_count", "language")),
        sorted(Tag.objects.values_list("name", "type", "public_works_count", "works_count")),
        list(Chapter.objects.order_by("work_id", "position").values_list("text", flat=True)),
    )


def wipe() -> None:
    Work.objects.all().delete()  # chapters, taggings, creatorships, index rows go with them
    Series.objects.all().delete()
    Tag.objects.exclude(type__in=FIXED_TYPES).delete()
    User.objects.all().delete()


def test_counts_match_what_was_written(corpus):
    assert corpus.works == Work.objects.count() == WORKS
    assert corpus.tag_rows == Work.tags.through.objects.count()
    assert 12 <= corpus.tag_rows / WORKS <= 18  # about 15 tags a work
    assert corpus.chapters == Chapter.objects.count() >= WORKS
    assert corpus.documents == WORKS
    assert TEXT_WORDS / 2 < corpus.words < TEXT_WORDS * 2
    assert sum(Work.objects.values_list("word_count", flat=True)) == corpus.words
    chapters = Work.objects.annotate(n=Count("chapters")).values_list("n", "chapter_count")
    assert all(n == count for n, count in chapters)
    assert Tag.objects.filter(type=TagType.FANDOM).count() == 8
    assert Tag.objects.filter(type=TagType.ADDITIONAL).count() == 5000


def test_every_work_has_one_rating_a_warning_a_fandom_and_a_creator(corpus):
    def of_type(tag_type):
        return Count("tags", filter=Q(tags__type=tag_type))

    counts = Work.objects.annotate(
        ratings=of_type(TagType.RATING),
        warnings=of_type(TagType.WARNING),
        fandoms=of_type(TagType.FANDOM),
    ).values_list("ratings", "warnings", "fandoms", "crossover")
    assert {ratings for ratings, _, _, _ in counts} == {1}
    assert min(warnings for _, warnings, _, _ in counts) >= 1
    assert min(fandoms for _, _, fandoms, _ in counts) >= 1
    # none of the corpus's fandoms sits under another: two fandoms make a crossover
    assert all(crossover == (fandoms > 1) for _, _, fandoms, crossover in counts)
    assert any(crossover for _, _, _, crossover in counts)
    assert not Work.objects.filter(creatorships__isnull=True).exists()
    assert Creatorship.objects.count() >= WORKS
    # bulk_create skips User.save(): every user still has exactly one default pseud
    assert Pseud.objects.filter(is_default=True).count() == User.objects.count()
    # a mix of visibility, as on a real archive
    assert Work.objects.public().count() < WORKS
    assert Work.objects.filter(posted=True).count() > WORKS * 0.9


def test_filter_sets_are_the_closures_of_the_tags(corpus):
    through = Work.tags.through._meta.db_table
    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT COUNT(*) FROM (SELECT DISTINCT t.work_id, c.filter_id FROM {through} t "
            f"JOIN {TagFilter._meta.db_table} c ON c.tag_id = t.tag_id) x"
        )
        expected = cursor.fetchone()[0]
    assert FilterTagging.objects.count() == expected > WORKS * 10
    # the metatag gathers its subtags' works, synonyms file works under their canonical
    au = Tag.objects.get(name="Alternate Universe")
    subtag_works = Work.objects.filter(tags__metatags=au)
    assert subtag_works.exists()
    assert not subtag_works.exclude(filters=au).exists()
    synonym = Tag.objects.filter(merger__isnull=False, works__isnull=False).first()
    assert synonym is not None
    assert not synonym.works.exclude(filters=synonym.merger).exists()
    # stored counts are the filter-set counts of canonical tags
    fluff = Tag.objects.get(name="Fluff")
    assert fluff.public_works_count == Work.objects.public().filter(filters=fluff).count() > 0


def test_text_search_finds_a_word_of_a_chapter(corpus):
    words = set(vocabulary(SEED))
    chapter = next(
        c
        for c in Chapter.objects.filter(work__in=Work.objects.public()).order_by("pk")
        if words & set(re.findall(r"[a-z]+", c.text))
    )
    word = sorted(words & set(re.findall(r"[a-z]+", chapter.text)))[0]
    filters = Filters(text=parse_query(word), sort="best")
    found = apply(Work.objects.visible_to(AnonymousUser()), filters)
    assert found.filter(pk=chapter.work_id).exists()
    assert found.count() < Work.objects.public().count()
    snippets = backend().snippets(filters.text, [chapter.work_id])
    assert START in snippets[chapter.work_id]


def test_the_same_seed_builds_the_same_corpus(corpus):
    first = snapshot()
    wipe()
    assert not Work.objects.exists()
    build()
    assert snapshot() == first


def test_every_query_class_of_the_mix_runs_and_naive_agrees_on_listings(corpus):
    queries = bench_search.resolve_mix(SEED)
    assert {q.kind for q in queries} == {"listing", "facets", "text"}
    outcomes = bench_search.run_mix(queries, runs=1, naive_runs=1, limit=60, naive_limit=60)
    for outcome in outcomes:
        assert len(outcome.ours.seconds) == 1, outcome.query.name
        assert len(outcome.naive.seconds) == 1, outcome.query.name
        assert outcome.query.name in bench_search.row(outcome)
        if outcome.query.kind == "listing":
            assert outcome.same == "yes", outcome.query.name
    # the mix's common words and phrases occur in the text
    found = {o.query.name: o.ours.result[0] for o in outcomes if o.query.kind == "text"}
    assert min(found["word, common"], found["phrase, common"], found["prefix, common"]) > 0


def test_the_command_refuses_a_database_with_works(corpus):
    with pytest.raises(CommandError, match="--yes"):
        call_command("bench_corpus", works=10, stdout=StringIO())


def test_the_command_builds_and_reports(db):
    out = StringIO()
    call_command("bench_corpus", works=40, fandoms=3, seed=2, text_words=4000, stdout=out)
    assert "Built 40 works" in out.getvalue()
    assert Work.objects.count() == 40
    assert Chapter.objects.exists()
