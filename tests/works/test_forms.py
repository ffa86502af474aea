"""Every message the "Post New Work", "Edit Work", chapter and series forms can show.

Each test posts the real page the way a browser would and checks that the page comes back
(status 200) with the message next to the field it is about, and that nothing was saved.
"""

from __future__ import annotations

import re
from datetime import timedelta
from html import unescape

import pytest
from django.utils import timezone

from ficarchive.tags.models import CATEGORIES, RATINGS, WARNINGS, Tag, TagType
from ficarchive.works.models import Chapter, Series, Work
from tests.conftest import client_for, fixed, make_work

STORY = "The lamps were lit one by one along the harbour wall."


def work_form(user, button: str = "post", **changes) -> dict:
    """What a browser sends for a filled-in "Post New Work" form; None leaves a field out."""
    data = {
        "title": "The Lantern Keeper",
        "creators": [user.default_pseud.pk],
        "co_creators": "",
        "rating": fixed("General Audiences").pk,
        "warnings": [fixed("No Archive Warnings Apply").pk],
        "fandoms": "Lanternwick Chronicles",
        "relationships": "",
        "characters": "",
        "additional_tags": "",
        "summary": "",
        "notes": "",
        "end_notes": "",
        "series": "",
        "new_series_title": "",
        "series_position": "",
        "language": "en",
        "expected_chapters": "?",
        "published_on": timezone.localdate().isoformat(),
        "comment_permission": "everyone",
        "chapter_title": "",
        "text": STORY,
        button: "1",
    }
    data.update(changes)
    return {key: value for key, value in data.items() if value is not None}


def field_errors(response, field: str) -> list[str]:
    """The messages shown in the error list that belongs to `field` (its id_<field>_error)."""
    html = response.content.decode()
    found = re.search(rf'<ul class="errorlist" id="id_{field}_error">(.*?)</ul>', html, re.S)
    if found is None:
        return []
    return [unescape(item) for item in re.findall(r"<li>(.*?)</li>", found.group(1), re.S)]


def post_new_work(user, **changes):
    return client_for(user).post("/works/new/", work_form(user, **changes))


def assert_refused(response, field: str, message: str) -> None:
    assert response.status_code == 200
    assert message in field_errors(response, field), field_errors(response, field)
    assert "We couldn't save this work." in response.content.decode()


# -- what the form offers ------------------------------------------------------------------


@pytest.mark.parametrize(
    ("field", "labels"),
    [
        ("rating", RATINGS),
        ("warnings", ["Creator Chose Not To Use Archive Warnings", *WARNINGS[1:]]),
        ("categories", CATEGORIES),
    ],
)
def test_fixed_tags_are_offered_in_their_official_order(alice, field, labels):
    page = client_for(alice).get("/works/new/").content.decode()
    shown = re.findall(rf'<input type="\w+" name="{field}"[^>]*>\s*([^<]+?)\s*</label>', page)
    assert shown == labels


def test_a_new_work_is_credited_to_the_default_pseud_and_dated_today(alice):
    page = client_for(alice).get("/works/new/").content.decode()
    assert re.search(rf'name="creators" value="{alice.default_pseud.pk}"[^>]* checked', page)
    assert f'value="{timezone.localdate().isoformat()}"' in page


# -- the required parts of a work ----------------------------------------------------------


def test_a_work_without_a_title_is_refused(alice):
    response = post_new_work(alice, title="")
    assert_refused(response, "title", "Please enter a title.")
    assert Work.objects.count() == 0


def test_a_title_of_only_spaces_counts_as_no_title(alice):
    response = post_new_work(alice, title="    ")
    assert_refused(response, "title", "Please enter a title.")
    assert Work.objects.count() == 0


def test_a_title_over_255_characters_is_refused(alice):
    response = post_new_work(alice, title="T" * 256)
    assert_refused(response, "title", "The title must be at most 255 characters long.")
    assert Work.objects.count() == 0


def test_a_title_of_exactly_255_characters_is_accepted(alice):
    response = post_new_work(alice, title="T" * 255)
    assert response.status_code == 302
    assert Work.objects.get().title == "T" * 255


def test_a_work_without_a_rating_is_refused(alice):
    response = post_new_work(alice, rating=None)
    assert_refused(response, "rating", "Please choose a rating.")
    assert Work.objects.count() == 0


def test_a_warning_cannot_be_sent_as_the_rating(alice):
    response = post_new_work(alice, rating=fixed("Major Character Death").pk)
    assert response.status_code == 200
    assert field_errors(response, "rating")
    assert Work.objects.count() == 0


def test_a_work_without_a_warning_is_refused(alice):
    response = post_new_work(alice, warnings=None)
    assert_refused(response, "warnings", "Please select at least one warning.")
    assert Work.objects.count() == 0


def test_a_work_without_a_fandom_is_refused(alice):
    response = post_new_work(alice, fandoms="")
    assert_refused(response, "fandoms", "Please fill in at least one fandom.")
    assert Work.objects.count() == 0


def test_a_fandom_field_of_only_commas_counts_as_no_fandom(alice):
    response = post_new_work(alice, fandoms=" , ,， ")
    assert_refused(response, "fandoms", "Please fill in at least one fandom.")
    assert Work.objects.count() == 0


def test_a_work_without_a_language_is_refused(alice):
    response = post_new_work(alice, language="")
    assert_refused(response, "language", "Please select a language.")
    assert Work.objects.count() == 0


def test_a_work_must_be_credited_to_one_of_your_pseuds(alice):
    response = post_new_work(alice, creators=None)
    assert_refused(response, "creators", "Please choose at least one of your pseuds.")
    assert Work.objects.count() == 0


def test_you_cannot_post_under_someone_elses_pseud(alice, bob):
    response = post_new_work(alice, creators=[bob.default_pseud.pk])
    assert response.status_code == 200
    assert field_errors(response, "creators")
    assert Work.objects.count() == 0


# -- lengths of the texts ------------------------------------------------------------------


def test_a_summary_over_1250_characters_is_refused(alice):
    response = post_new_work(alice, summary="s" * 1251)
    assert_refused(response, "summary", "The summary must be at most 1,250 characters long.")
    assert Work.objects.count() == 0


def test_a_summary_of_exactly_1250_characters_is_accepted(alice):
    response = post_new_work(alice, summary="s" * 1250)
    assert response.status_code == 302


def test_notes_over_5000_characters_are_refused(alice):
    response = post_new_work(alice, notes="n" * 5001)
    assert_refused(response, "notes", "Notes must be at most 5,000 characters long.")
    assert Work.objects.count() == 0


def test_end_notes_over_5000_characters_are_refused(alice):
    response = post_new_work(alice, end_notes="n" * 5001)
    assert_refused(response, "end_notes", "End notes must be at most 5,000 characters long.")
    assert Work.objects.count() == 0


def test_work_text_is_required(alice):
    response = post_new_work(alice, text="")
    assert_refused(response, "text", "Please enter the text of your work.")
    assert Work.objects.count() == 0


def test_work_text_under_10_characters_is_refused(alice):
    response = post_new_work(alice, text="Too short")
    assert_refused(response, "text", "The text must be at least 10 characters long.")
    assert Work.objects.count() == 0


def test_work_text_over_510000_characters_is_refused(alice):
    response = post_new_work(alice, text="w" * 510_001)
    assert_refused(
        response,
        "text",
        "The text must be at most 510,000 characters long; split it into chapters.",
    )
    assert Work.objects.count() == 0


def test_a_chapter_title_over_255_characters_is_refused(alice):
    response = post_new_work(alice, chapter_title="c" * 256)
    assert_refused(
        response, "chapter_title", "A chapter title must be at most 255 characters long."
    )
    assert Work.objects.count() == 0


# -- tags -----------------------------------------------------------------------------------

TAG_RULE = "Tags can't include , ^ * < > { } = ` \\ % or a full-width comma."


@pytest.mark.parametrize("char", list("^*<>{}=`\\%"))
def test_a_tag_with_a_forbidden_character_is_refused(alice, char):
    name = f"Harbour{char}Lights"
    response = post_new_work(alice, additional_tags=f"Fluff, {name}")
    assert_refused(
        response,
        "additional_tags",
        f"Tag “{name}” contains a character tags can't have. {TAG_RULE}",
    )
    assert Work.objects.count() == 0
    assert not Tag.objects.filter(type=TagType.ADDITIONAL).exists()


@pytest.mark.parametrize("field", ["fandoms", "relationships", "characters", "additional_tags"])
def test_every_tag_field_refuses_forbidden_characters(alice, field):
    changes = {field: "Lanternwick Chronicles, Maren {and} Tobin"}
    response = post_new_work(alice, **changes)
    assert response.status_code == 200
    assert any("contains a character tags can't have" in e for e in field_errors(response, field))
    assert Work.objects.count() == 0


def test_a_full_width_comma_separates_tags_like_a_comma(alice):
    response = post_new_work(alice, additional_tags="Fluff，Hurt/Comfort")
    assert response.status_code == 302
    work = Work.objects.get()
    assert [tag.name for tag in work.additional_tags] == ["Fluff", "Hurt/Comfort"]
    page = client_for(alice).get(work.get_absolute_url()).content.decode()
    assert ">Fluff</a>" in page
    assert ">Hurt/Comfort</a>" in page
    assert "，" not in page


def test_a_tag_over_150_characters_is_refused(alice):
    name = "x" * 151
    response = post_new_work(alice, characters=name)
    assert_refused(
        response, "characters", f"Tag names must be at most 150 characters: “{'x' * 30}…” is 151."
    )
    assert Work.objects.count() == 0


def test_a_tag_of_exactly_150_characters_is_accepted(alice):
    response = post_new_work(alice, characters="x" * 150)
    assert response.status_code == 302
    assert Tag.objects.filter(name="x" * 150, type=TagType.CHARACTER).exists()


def test_more_than_75_free_tags_in_total_are_refused(alice):
    extra = ", ".join(f"Trope {n}" for n in range(75))  # plus one fandom makes 76
    response = post_new_work(alice, additional_tags=extra)
    assert_refused(
        response,
        "additional_tags",
        "You have 76 fandom, relationship, character and additional tags; "
        "the most a work can have is 75.",
    )
    assert Work.objects.count() == 0


def test_exactly_75_free_tags_in_total_are_accepted(alice):
    extra = ", ".join(f"Trope {n}" for n in range(74))
    response = post_new_work(alice, additional_tags=extra)
    assert response.status_code == 302
    assert len(Work.objects.get().tags.exclude(type__in=["rating", "warning"])) == 75


def test_repeated_tags_count_once_towards_the_limit(alice):
    extra = ", ".join(["Fluff", "fluff", " FLUFF "] * 30)
    response = post_new_work(alice, additional_tags=extra)
    assert response.status_code == 302
    assert [t.name for t in Work.objects.get().additional_tags] == ["Fluff"]


def test_a_tag_name_already_used_by_another_type_is_refused(alice):
    make_work(alice, characters=("Maren Holt",))
    response = post_new_work(alice, fandoms="maren holt")
    assert_refused(
        response,
        "fandoms",
        "“Maren Holt” is already a Character tag; tag names are unique across types, so move "
        "it to that field or choose another name.",
    )
    assert Work.objects.count() == 1


def test_a_fixed_tag_name_cannot_be_used_as_a_free_tag(alice):
    response = post_new_work(alice, additional_tags="Gen")
    assert_refused(
        response,
        "additional_tags",
        "“Gen” is already a Category tag; tag names are unique across types, so move it to "
        "that field or choose another name.",
    )
    assert Work.objects.count() == 0


# -- chapters, dates, series, co-creators ---------------------------------------------------

EXPECTED_MESSAGE = "Enter the number of chapters you plan, or ? if you don't know."


@pytest.mark.parametrize("value", ["abc", "0", "-1", "2.5", "²"])
def test_expected_chapters_must_be_a_positive_number_or_a_question_mark(alice, value):
    response = post_new_work(alice, expected_chapters=value)
    assert_refused(response, "expected_chapters", EXPECTED_MESSAGE)
    assert Work.objects.count() == 0


def test_expected_chapters_cannot_be_lower_than_the_chapters_a_work_has(alice):
    work = make_work(alice, chapters=("One chapter text.", "Two chapter text.", "Three text."))
    data = work_form(alice, expected_chapters="2", text=None, chapter_title=None)
    response = client_for(alice).post(f"/works/{work.pk}/edit/", data)
    assert_refused(
        response,
        "expected_chapters",
        "This work already has 3 chapters; the expected number can't be lower.",
    )
    work.refresh_from_db()
    assert work.expected_chapters is None
    assert work.title == "A Quiet Harbour"


def test_a_published_date_in_the_future_is_refused(alice):
    tomorrow = timezone.localdate() + timedelta(days=1)
    response = post_new_work(alice, published_on=tomorrow.isoformat())
    assert_refused(response, "published_on", "The published date can't be in the future.")
    assert Work.objects.count() == 0


def test_choosing_an_existing_series_and_a_new_one_together_is_refused(alice):
    make_work(alice, series="Harbour Lights")
    series = Series.objects.get()
    response = post_new_work(alice, series=series.pk, new_series_title="Winter Tales")
    assert_refused(
        response,
        "new_series_title",
        "Choose an existing series or start a new one, not both.",
    )
    assert Work.objects.count() == 1
    assert Series.objects.count() == 1


def test_you_cannot_add_a_work_to_someone_elses_series(alice, bob):
    make_work(bob, series="Bob's Series")
    response = post_new_work(alice, series=Series.objects.get().pk)
    assert response.status_code == 200
    assert field_errors(response, "series")
    assert Work.objects.count() == 1


def test_a_series_position_must_be_at_least_one(alice):
    response = post_new_work(alice, new_series_title="Harbour Lights", series_position="0")
    assert response.status_code == 200
    assert field_errors(response, "series_position")
    assert Work.objects.count() == 0


def test_an_unknown_co_creator_is_refused(alice, bob):
    response = post_new_work(alice, co_creators="bob, nobody_here")
    assert_refused(
        response,
        "co_creators",
        "We couldn't find these pseuds: nobody_here. Write them as “pseud (login)” or as a login.",
    )
    assert Work.objects.count() == 0


def test_a_co_creator_named_as_pseud_and_login_must_match_that_user(alice, bob, carol):
    response = post_new_work(alice, co_creators="carol (bob)")
    assert response.status_code == 200
    assert field_errors(response, "co_creators")
    assert Work.objects.count() == 0


def test_the_form_keeps_what_was_typed_after_a_refusal(alice):
    response = post_new_work(alice, title="", summary="A summary worth keeping.")
    html = response.content.decode()
    assert "A summary worth keeping." in html
    assert "Lanternwick Chronicles" in html
    assert 'aria-describedby="id_title_error"' in html


# -- chapter form ---------------------------------------------------------------------------


def chapter_form(**changes) -> dict:
    data = {"title": "", "summary": "", "notes": "", "end_notes": "", "text": STORY,
            "published_on": ""}  # fmt: skip
    data.update(changes)
    return data


@pytest.mark.parametrize(
    ("field", "value", "message"),
    [
        ("text", "", "Please enter the text of your chapter."),
        ("text", "Too short", "The text must be at least 10 characters long."),
        ("text", "w" * 510_001, "The text must be at most 510,000 characters long."),
        ("title", "t" * 256, "A chapter title must be at most 255 characters long."),
        ("summary", "s" * 1251, "The chapter summary must be at most 1,250 characters long."),
        ("notes", "n" * 5001, "Chapter notes must be at most 5,000 characters long."),
        ("end_notes", "n" * 5001, "Chapter end notes must be at most 5,000 characters long."),
    ],
    ids=["no-text", "short-text", "long-text", "title", "summary", "notes", "end-notes"],
)
def test_a_new_chapter_is_refused_with_a_message_next_to_the_field(alice, field, value, message):
    work = make_work(alice)
    response = client_for(alice).post(
        f"/works/{work.pk}/chapters/new/", chapter_form(**{field: value})
    )
    assert response.status_code == 200
    assert message in field_errors(response, field)
    assert "We couldn't save this chapter." in response.content.decode()
    assert Chapter.objects.filter(work=work).count() == 1


def test_a_chapter_published_date_in_the_future_is_refused(alice):
    work = make_work(alice)
    tomorrow = timezone.localdate() + timedelta(days=1)
    response = client_for(alice).post(
        f"/works/{work.pk}/chapters/new/", chapter_form(published_on=tomorrow.isoformat())
    )
    assert response.status_code == 200
    assert "The published date can't be in the future." in field_errors(response, "published_on")
    assert Chapter.objects.filter(work=work).count() == 1


def test_an_edited_chapter_with_too_short_text_is_refused_and_unchanged(alice):
    work = make_work(alice)
    chapter = work.chapters.get()
    response = client_for(alice).post(
        f"/works/{work.pk}/chapters/{chapter.pk}/edit/", chapter_form(text="Tiny")
    )
    assert response.status_code == 200
    assert "The text must be at least 10 characters long." in field_errors(response, "text")
    chapter.refresh_from_db()
    assert "The boats came in at dawn" in chapter.text


# -- series form ----------------------------------------------------------------------------


def test_a_series_cannot_lose_its_title(alice):
    make_work(alice, series="Harbour Lights")
    series = Series.objects.get()
    work = Work.objects.get()
    response = client_for(alice).post(
        f"/series/{series.pk}/edit/",
        {"series-title": "", "series-summary": "", "series-notes": "",
         f"order-position_{work.pk}": "1"},
    )  # fmt: skip
    assert response.status_code == 200
    assert "Please enter a title." in field_errors(response, "series-title")
    series.refresh_from_db()
    assert series.title == "Harbour Lights"


def test_a_series_summary_over_1250_characters_is_refused(alice):
    make_work(alice, series="Harbour Lights")
    series = Series.objects.get()
    work = Work.objects.get()
    response = client_for(alice).post(
        f"/series/{series.pk}/edit/",
        {"series-title": "Harbour Lights", "series-summary": "s" * 1251, "series-notes": "",
         f"order-position_{work.pk}": "1"},
    )  # fmt: skip
    assert response.status_code == 200
    assert "The summary must be at most 1,250 characters long." in field_errors(
        response, "series-summary"
    )


def test_a_series_part_number_beyond_the_number_of_works_is_refused(alice):
    make_work(alice, series="Harbour Lights")
    series = Series.objects.get()
    work = Work.objects.get()
    response = client_for(alice).post(
        f"/series/{series.pk}/edit/",
        {"series-title": "Renamed", "series-summary": "", "series-notes": "",
         f"order-position_{work.pk}": "2"},
    )  # fmt: skip
    assert response.status_code == 200
    assert field_errors(response, f"order-position_{work.pk}")
    series.refresh_from_db()
    assert series.title == "Harbour Lights"
