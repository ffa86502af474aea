"""Searching and filtering works: text inside chapters, snippets, filters, facets, sorting.

Runs on both databases: SQLite answers with FTS5, PostgreSQL with a tsvector and GIN.
"""

from __future__ import annotations

from html import unescape

import pytest
from django.core.management import call_command

from ficarchive.search.index import rebuild
from ficarchive.tags import wrangling
from ficarchive.tags.models import Tag, TagType
from ficarchive.tags.services import tags_for
from ficarchive.works.models import Chapter, Work
from ficarchive.works.services import save_chapter
from tests.conftest import client_for, make_work

LIGHTHOUSE = "The keeper climbed the lighthouse stairs at dusk to light the great lamp."
ORCHARD = "Apples ripened in the orchard while the bees hummed over the clover."


def titles(response) -> list[str]:
    return [work.title for work in response.context["page"]]


def search(client, query: str, **params):
    return client.get("/search/", {"q": query, **params})


@pytest.fixture
def shelf(alice):
    make_work(alice, "Keeper of the Light", chapters=(LIGHTHOUSE,), rating="General Audiences")
    make_work(alice, "Harvest", chapters=(ORCHARD,), additional=("Fluff",))
    make_work(alice, "Both", chapters=("Intro text here.", ORCHARD + " " + LIGHTHOUSE))


def test_words_inside_the_chapter_text_are_found(shelf, guest_client):
    assert set(titles(search(guest_client, "lighthouse"))) == {"Keeper of the Light", "Both"}


def test_every_word_must_match(shelf, guest_client):
    assert titles(search(guest_client, "lighthouse orchard")) == ["Both"]


def test_exact_phrases_match_only_in_order(shelf, guest_client):
    assert set(titles(search(guest_client, '"the bees hummed"'))) == {"Harvest", "Both"}
    assert titles(search(guest_client, '"hummed the bees"')) == []


def test_excluded_words_remove_works(shelf, guest_client):
    assert titles(search(guest_client, "orchard -lighthouse")) == ["Harvest"]


def test_prefix_search(shelf, guest_client):
    assert set(titles(search(guest_client, "lightho*"))) == {"Keeper of the Light", "Both"}


def test_titles_tags_and_creators_are_searched_too(shelf, guest_client):
    assert titles(search(guest_client, "harvest")) == ["Harvest"]
    assert "Harvest" in titles(search(guest_client, "fluff"))
    assert len(titles(search(guest_client, "alice"))) == 3


def test_results_show_a_highlighted_snippet_of_where_the_words_were_found(shelf, guest_client):
    page = search(guest_client, "clover").content.decode()
    assert "<mark>clover</mark>" in page


def test_snippets_escape_the_text_around_the_match(alice, guest_client):
    make_work(alice, "Angles", chapters=("Compare 3 < 4 and then the needle appears.",))
    page = search(guest_client, "needle").content.decode()
    assert "3 &lt; 4" in page or "<mark>needle</mark>" in page
    assert "3 < 4" not in page


def test_words_in_angle_brackets_are_found(alice, guest_client):
    """Titles and text are plain words to the index, even where they look like markup
    (PostgreSQL's parser would drop "<Lantern>" as a tag)."""
    make_work(alice, "The <Lantern> Keeper", chapters=("A note said &lt;tide&gt; twice.",))
    for word in ("lantern", "tide"):
        assert titles(search(guest_client, word)) == ["The <Lantern> Keeper"], word


@pytest.mark.parametrize("state", [{"posted": False}, {"hidden": True}, {"restricted": True}])
def test_hidden_texts_never_match_nor_leak_into_snippets(alice, bob, guest_client, state):
    make_work(alice, "Secret", chapters=("The zeppelin quietly drifted over town.",), **state)
    make_work(alice, "Public", chapters=("Nothing to see in this text.",))
    viewers = [guest_client] + ([] if state == {"restricted": True} else [client_for(bob)])
    for client in viewers:
        response = search(client, "zeppelin")
        assert titles(response) == []
        assert "drifted" not in response.content.decode()
    assert titles(search(client_for(alice), "zeppelin")) == ["Secret"]


def test_restricted_works_match_for_logged_in_readers(alice, bob):
    make_work(alice, "Members", chapters=("A quiet zeppelin story.",), restricted=True)
    assert titles(search(client_for(bob), "zeppelin")) == ["Members"]


def test_editing_a_chapter_updates_the_index(alice, guest_client):
    work = make_work(alice, "Draft Two", chapters=("First version of the text.",))
    chapter = work.chapters.get()
    chapter.text = "Second version mentions a walrus."
    save_chapter(chapter)
    assert titles(search(guest_client, "walrus")) == ["Draft Two"]
    assert titles(search(guest_client, "first")) == []


def test_a_new_chapter_is_searchable_and_a_deleted_work_is_gone(alice, guest_client):
    work = make_work(alice, "Growing")
    save_chapter(Chapter(work=work, text="A later chapter about a heron."))
    assert titles(search(guest_client, "heron")) == ["Growing"]
    client_for(alice).post(f"/works/{work.pk}/delete/")
    assert titles(search(guest_client, "heron")) == []


def test_renaming_a_tag_makes_works_findable_by_the_new_name(alice, guest_client):
    make_work(alice, "Tagged", additional=("Sea Shanties",))
    wrangling.rename(Tag.objects.get(name="Sea Shanties"), "Sailor Songs")
    assert titles(search(guest_client, "sailor")) == ["Tagged"]


def test_reindex_rebuilds_the_index_from_the_works(shelf, guest_client, capsys):
    from ficarchive.search.backends import backend

    backend().clear()
    assert titles(search(guest_client, "clover")) == []
    call_command("reindex")
    assert "Indexed 3 works" in capsys.readouterr().out
    assert set(titles(search(guest_client, "clover"))) == {"Harvest", "Both"}
    assert rebuild() == 3


# -- filters -------------------------------------------------------------------------------


@pytest.fixture
def library(alice):
    au = tags_for(["Alternate Universe"], TagType.ADDITIONAL)[0]
    wrangling.set_canonical(au, True)
    make_work(
        alice,
        "Short AU",
        additional=("AU",),
        rating="Teen And Up Audiences",
        chapters=("one two three four five six seven eight nine ten",),
        expected_chapters=1,
    )
    make_work(
        alice,
        "Long Canon",
        rating="General Audiences",
        chapters=(" ".join(["word"] * 1500), "more words here for chapter two"),
    )
    make_work(alice, "French", language="fr", additional=("Alternate Universe",), rating="Mature")
    wrangling.set_synonym(Tag.objects.get(name="AU"), au)
    Work.objects.filter(title="Long Canon").update(kudos_count=50, hits=900)
    Work.objects.filter(title="French").update(kudos_count=5)


def test_include_tags_use_filter_sets_so_synonyms_count(library, guest_client):
    response = guest_client.get("/works/", {"include": "Alternate Universe"})
    assert set(titles(response)) == {"Short AU", "French"}


def test_exclude_tags_remove_any_match(library, guest_client):
    response = guest_client.get("/works/", {"exclude": "Alternate Universe"})
    assert titles(response) == ["Long Canon"]


def test_an_unknown_tag_in_a_filter_is_reported(library, guest_client):
    response = guest_client.get("/works/", {"include": "Nowhere Tag"})
    assert "There is no tag named “Nowhere Tag”." in unescape(response.content.decode())


def test_ratings_match_any_of_those_chosen(library, guest_client):
    ids = [Tag.objects.get(name=n).pk for n in ["General Audiences", "Mature"]]
    assert set(titles(guest_client.get("/works/", {"ratings": ids}))) == {"Long Canon", "French"}


def test_completion_single_chapter_and_language(library, guest_client):
    assert titles(guest_client.get("/works/", {"complete": "true"})) == ["Short AU"]
    assert "Long Canon" not in titles(guest_client.get("/works/", {"single_chapter": "on"}))
    assert titles(guest_client.get("/works/", {"language": "fr"})) == ["French"]


def test_ranges_on_words_and_kudos(library, guest_client):
    assert titles(guest_client.get("/works/", {"words_from": 1000})) == ["Long Canon"]
    assert titles(guest_client.get("/works/", {"kudos_from": 5, "sort": "kudos"})) == [
        "Long Canon",
        "French",
    ]


def test_query_box_shortcuts(library, guest_client):
    assert titles(search(guest_client, "words>1000")) == ["Long Canon"]
    assert titles(search(guest_client, "complete:true")) == ["Short AU"]
    assert titles(search(guest_client, "kudos>=1 sort:kudos")) == ["Long Canon", "French"]


def test_an_unknown_shortcut_is_searched_as_words_and_said_so(library, guest_client):
    page = unescape(search(guest_client, "flavour:mint").content.decode())
    assert "We searched for these as plain words, not as filters: flavour:mint." in page


def test_sorts_break_ties_by_id_and_follow_direction(library, guest_client):
    assert titles(guest_client.get("/works/", {"sort": "title"})) == [
        "French",
        "Long Canon",
        "Short AU",
    ]
    assert titles(guest_client.get("/works/", {"sort": "words"}))[0] == "Long Canon"


def test_the_sidebar_counts_the_commonest_tags_among_the_results(library, guest_client):
    response = guest_client.get("/works/")
    facets = response.context["facets"]
    au = next(i for i in facets["Additional Tags"] if i["tag"].name == "Alternate Universe")
    assert au["count"] == 2
    followed = guest_client.get("/works/?" + au["include"])
    assert set(titles(followed)) == {"Short AU", "French"}
    assert titles(guest_client.get("/works/?" + au["exclude"])) == ["Long Canon"]


def test_sidebar_counts_leave_out_what_the_reader_may_not_see(alice, guest_client, bob):
    make_work(alice, "Open", additional=("Fluff",))
    make_work(alice, "Members", additional=("Fluff",), restricted=True)
    wrangling.set_canonical(Tag.objects.get(name="Fluff"), True)

    def fluff_count(client):
        items = client.get("/works/").context["facets"]["Additional Tags"]
        return next(i["count"] for i in items if i["tag"].name == "Fluff")

    assert fluff_count(guest_client) == 1
    assert fluff_count(client_for(bob)) == 2


def test_every_listing_has_the_filters(library, alice, guest_client):
    for url in [
        "/works/",
        "/tags/Alternate Universe/works/",
        "/users/alice/works/",
        "/users/alice/pseuds/alice/",
        "/search/?q=word",
    ]:
        assert "Sort and Filter" in guest_client.get(url).content.decode(), url


def test_a_series_page_lists_parts_in_order_and_can_be_filtered(alice, guest_client):
    first = make_work(alice, "Part One", series="Saga")
    make_work(alice, "Part Two", series=first.series_memberships.get().series, rating="Mature")
    url = f"/series/{first.series_memberships.get().series_id}/"
    assert titles(guest_client.get(url)) == ["Part One", "Part Two"]
    mature = Tag.objects.get(name="Mature").pk
    assert titles(guest_client.get(url, {"ratings": [mature]})) == ["Part Two"]


def test_too_many_matches_to_rank_fall_back_to_date_updated_and_say_so(
    shelf, guest_client, monkeypatch
):
    from ficarchive.search.backends import backend

    ranked = search(guest_client, "keeper")
    assert "rather than by best match" not in ranked.content.decode()
    monkeypatch.setattr(type(backend()), "rank_limit", 1)  # a setting, not our code's logic
    response = search(guest_client, "keeper")
    assert "listed by date updated rather than by best match" in response.content.decode()
    assert len(titles(response)) == 2


def test_an_impossible_tag_id_in_a_filter_is_ignored_not_a_server_error(library, guest_client):
    response = guest_client.get("/works/", {"warnings": "99999999999999999999"})
    assert response.status_code == 200
    assert set(titles(response)) == {"Short AU", "Long Canon", "French"}
