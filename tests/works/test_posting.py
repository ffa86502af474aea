"""Posting, drafting, previewing and editing works, chapters and series through the pages."""

from __future__ import annotations

import re
from datetime import date
from html.parser import HTMLParser

from django.utils import timezone

from ficarchive.tags.models import Tag, TagType
from ficarchive.works.models import Chapter, Series, SeriesWork, Work
from tests.conftest import client_for, fixed, make_work

STORY = "The lamps were lit one by one along the harbour wall."


def work_form(user, button: str = "post", **changes) -> dict:
    """What a browser sends for a filled-in "Post New Work" form; None leaves a field out."""
    data = {
        "title": "The Lantern Keeper",
        "creators": [user.default_pseud.pk],
        "rating": fixed("General Audiences").pk,
        "warnings": [fixed("No Archive Warnings Apply").pk],
        "fandoms": "Lanternwick Chronicles",
        "language": "en",
        "expected_chapters": "?",
        "published_on": timezone.localdate().isoformat(),
        "comment_permission": "everyone",
        "text": STORY,
        button: "1",
    }
    data.update(changes)
    return {key: value for key, value in data.items() if value is not None}


def post_new_work(user, **changes) -> Work:
    response = client_for(user).post("/works/new/", work_form(user, **changes))
    assert response.status_code == 302, response.content.decode()[:3000]
    return Work.objects.get(pk=int(re.search(r"/works/(\d+)/", response.url).group(1)))


class _FormReader(HTMLParser):
    """What a browser would submit for the first form with method=post, buttons aside."""

    def __init__(self):
        super().__init__()
        self.values: dict[str, list[str]] = {}
        self._in_form = False
        self._textarea: str | None = None
        self._select: str | None = None

    def _add(self, name, value):
        self.values.setdefault(name, []).append(value)

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "form" and attrs.get("method") == "post" and "action" not in attrs:
            self._in_form = True
        if not self._in_form:
            return
        if tag == "option" and self._select and "selected" in attrs:
            self._add(self._select, attrs.get("value", ""))
        if "name" not in attrs:
            return
        if tag == "input":
            kind = attrs.get("type", "text")
            if kind in ("checkbox", "radio") and "checked" not in attrs:
                return
            self._add(attrs["name"], attrs.get("value", "on" if kind == "checkbox" else ""))
        elif tag == "textarea":
            self._textarea = attrs["name"]
            self._add(self._textarea, "")
        elif tag == "select":
            self._select = attrs["name"]
            self.values.setdefault(self._select, [])

    def handle_startendtag(self, tag, attrs):
        self.handle_starttag(tag, attrs)

    def handle_data(self, data):
        if self._textarea:
            self.values[self._textarea][-1] += data

    def handle_endtag(self, tag):
        if tag == "textarea":
            self._textarea = None
            # Browsers drop the one newline that follows <textarea>.
        elif tag == "select":
            self._select = None
        elif tag == "form":
            self._in_form = False


def form_as_shown(client, url: str) -> dict[str, list[str]]:
    reader = _FormReader()
    reader.feed(client.get(url).content.decode())
    values = reader.values
    values.pop("csrfmiddlewaretoken", None)
    return {name: [v.removeprefix("\n") for v in vals] for name, vals in values.items()}


def text_of(html: str, css_class: str, tag: str = "dd") -> str:
    found = re.search(rf'<{tag} class="{css_class}"[^>]*>(.*?)</{tag}>', html, re.S)
    assert found, f"no <{tag} class={css_class}>"
    return re.sub(r"<[^>]+>", "", found.group(1)).strip()


def work_ids_listed(html: str) -> list[int]:
    return [int(n) for n in re.findall(r'<li class="blurb" id="work_(\d+)">', html)]


# -- posting --------------------------------------------------------------------------------


def test_posting_a_work_takes_the_author_to_it(alice):
    response = client_for(alice).post("/works/new/", work_form(alice))
    work = Work.objects.get()
    assert response.status_code == 302
    assert response.url == f"/works/{work.pk}/"
    assert work.posted


def test_a_posted_work_is_visible_to_guests_with_its_text_and_tags(alice, guest_client):
    work = post_new_work(alice, relationships="Maren/Tobin", characters="Maren, Tobin")
    page = guest_client.get(f"/works/{work.pk}/").content.decode()
    assert "The Lantern Keeper" in page
    assert STORY in page
    assert ">Lanternwick Chronicles</a>" in page
    assert ">Maren/Tobin</a>" in page
    assert ">General Audiences</a>" in page
    assert '<a rel="author" href="/users/alice/pseuds/alice/">alice</a>' in page


def test_a_posted_work_appears_in_the_works_index_and_its_fandom(alice, guest_client):
    work = post_new_work(alice)
    assert work.pk in work_ids_listed(guest_client.get("/works/").content.decode())
    fandom = Tag.objects.get(name="Lanternwick Chronicles")
    assert work.pk in work_ids_listed(guest_client.get(fandom.get_absolute_url()).content.decode())


def test_posting_says_so(alice):
    response = client_for(alice).post("/works/new/", work_form(alice), follow=True)
    assert "Work was successfully posted." in response.content.decode()


def test_the_new_work_form_asks_for_login(guest_client):
    response = guest_client.get("/works/new/")
    assert response.status_code == 302
    assert response.url.startswith("/account/login/")


def test_a_restricted_work_asks_guests_to_log_in(alice, bob, guest_client):
    work = post_new_work(alice, restricted="on")
    assert guest_client.get(f"/works/{work.pk}/").status_code == 302
    assert client_for(bob).get(f"/works/{work.pk}/").status_code == 200


# -- drafts and preview ---------------------------------------------------------------------


def test_a_saved_draft_is_shown_to_its_creator(alice):
    work = post_new_work(alice, button="save_draft")
    assert not work.posted
    page = client_for(alice).get(f"/works/{work.pk}/").content.decode()
    assert "This work is a draft and is not visible to anyone else." in page


def test_a_draft_is_hidden_from_other_users_and_guests(alice, bob, guest_client):
    work = post_new_work(alice, button="save_draft")
    assert client_for(bob).get(f"/works/{work.pk}/").status_code == 404
    assert guest_client.get(f"/works/{work.pk}/").status_code == 404
    assert work.pk not in work_ids_listed(guest_client.get("/works/").content.decode())


def test_the_dashboard_lists_the_users_drafts(alice, bob):
    work = post_new_work(alice, button="save_draft")
    assert work.pk in work_ids_listed(client_for(alice).get("/account/").content.decode())
    assert work.pk not in work_ids_listed(client_for(bob).get("/account/").content.decode())


def test_posting_a_draft_makes_it_public(alice, guest_client):
    work = post_new_work(alice, button="save_draft")
    client_for(alice).post(f"/works/{work.pk}/post/")
    assert guest_client.get(f"/works/{work.pk}/").status_code == 200


def test_preview_saves_nothing(alice):
    response = client_for(alice).post("/works/new/", work_form(alice, button="preview"))
    assert response.status_code == 200
    assert Work.objects.count() == 0
    assert Chapter.objects.count() == 0
    assert not Tag.objects.filter(name="Lanternwick Chronicles").exists()


def test_preview_shows_the_text_sanitised(alice):
    text = 'Hello <b>bold</b> <script>alert("x")</script><i onclick="steal()">there</i>'
    response = client_for(alice).post(
        "/works/new/", work_form(alice, button="preview", text=text, summary="<em>Sum</em>")
    )
    page = response.content.decode()
    pane = page[page.index('<section class="preview"') : page.index("</section>")]
    assert "<b>bold</b>" in pane
    assert "<i>there</i>" in pane
    assert '<blockquote class="userstuff"><p><em>Sum</em></p></blockquote>' in pane
    assert "<script" not in pane
    assert "<script>alert" not in page  # the only script on the page is the archive's own file
    assert "onclick" not in page.replace("onclick=&quot;", "")


def test_preview_keeps_the_form_filled_in_to_post_next(alice):
    response = client_for(alice).post("/works/new/", work_form(alice, button="preview"))
    page = response.content.decode()
    assert 'value="The Lantern Keeper"' in page
    assert 'name="post"' in page


# -- dates ----------------------------------------------------------------------------------


def test_a_backdated_work_shows_its_published_date(alice, guest_client):
    work = post_new_work(alice, published_on="2019-05-17")
    page = guest_client.get(f"/works/{work.pk}/").content.decode()
    assert text_of(page, "published") == "2019-05-17"
    assert work.published_on == date(2019, 5, 17)


def test_a_backdated_work_sorts_below_works_revised_since(alice, guest_client):
    recent = make_work(alice, "Posted Earlier Today")
    backdated = post_new_work(alice, title="Written Long Ago", published_on="2019-05-17")
    newest = post_new_work(alice, title="Posted Just Now")
    listed = work_ids_listed(guest_client.get("/works/").content.decode())
    assert listed == [newest.pk, recent.pk, backdated.pk]


def test_a_new_chapter_moves_a_backdated_work_to_the_top(alice, guest_client):
    backdated = post_new_work(alice, title="Written Long Ago", published_on="2019-05-17")
    recent = make_work(alice, "Posted Today")
    client_for(alice).post(f"/works/{backdated.pk}/chapters/new/", {"text": STORY})
    listed = work_ids_listed(guest_client.get("/works/").content.decode())
    assert listed == [backdated.pk, recent.pk]


# -- series ---------------------------------------------------------------------------------


def test_a_work_can_start_a_new_series(alice, guest_client):
    work = post_new_work(alice, new_series_title="Harbour Lights")
    series = Series.objects.get()
    assert series.title == "Harbour Lights"
    assert list(series.creators.all()) == [alice.default_pseud]
    page = guest_client.get(f"/works/{work.pk}/").content.decode()
    assert f'Part 1 of <a href="/series/{series.pk}/">Harbour Lights</a>' in page


def test_works_added_to_a_series_go_at_the_end(alice):
    first = post_new_work(alice, new_series_title="Harbour Lights")
    series = Series.objects.get()
    second = post_new_work(alice, title="Second", series=series.pk)
    third = post_new_work(alice, title="Third", series=series.pk)
    positions = list(series.memberships.values_list("work_id", "position"))
    assert positions == [(first.pk, 1), (second.pk, 2), (third.pk, 3)]


def test_a_work_can_be_placed_at_a_chosen_part_number(alice, guest_client):
    first = post_new_work(alice, new_series_title="Harbour Lights")
    series = Series.objects.get()
    second = post_new_work(alice, title="Second", series=series.pk)
    prequel = post_new_work(alice, title="Prequel", series=series.pk, series_position="1")
    page = guest_client.get(f"/series/{series.pk}/").content.decode()
    assert work_ids_listed(page) == [prequel.pk, first.pk, second.pk]
    assert list(series.memberships.values_list("position", flat=True)) == [1, 2, 3]


def test_series_neighbours_are_linked_from_the_work_page(alice, guest_client):
    first = post_new_work(alice, new_series_title="Harbour Lights")
    series = Series.objects.get()
    second = post_new_work(alice, title="Second", series=series.pk)
    page = guest_client.get(f"/works/{second.pk}/").content.decode()
    assert f'<a href="/works/{first.pk}/" rel="prev">← Previous Work</a>' in page
    assert "Part 2 of" in page


def test_the_series_form_renames_a_series(alice, guest_client):
    work = post_new_work(alice, new_series_title="Harbour Lights")
    series = Series.objects.get()
    response = client_for(alice).post(
        f"/series/{series.pk}/edit/",
        {"series-title": "Harbour Lights Trilogy", "series-summary": "Three <b>tales</b>.",
         "series-notes": "", "series-complete": "on", f"order-position_{work.pk}": "1"},
    )  # fmt: skip
    assert response.status_code == 302
    page = guest_client.get(f"/series/{series.pk}/").content.decode()
    assert "<h1>Harbour Lights Trilogy</h1>" in page
    assert "<p>Three <b>tales</b>.</p>" in page
    assert "<dt>Complete:</dt><dd>Yes</dd>" in page


def test_the_series_form_reorders_the_works(alice, guest_client):
    first = post_new_work(alice, new_series_title="Harbour Lights")
    series = Series.objects.get()
    second = post_new_work(alice, title="Second", series=series.pk)
    third = post_new_work(alice, title="Third", series=series.pk)
    response = client_for(alice).post(
        f"/series/{series.pk}/edit/",
        {"series-title": "Harbour Lights", "series-summary": "", "series-notes": "",
         f"order-position_{first.pk}": "3", f"order-position_{second.pk}": "1",
         f"order-position_{third.pk}": "2"},
    )  # fmt: skip
    assert response.status_code == 302
    page = guest_client.get(f"/series/{series.pk}/").content.decode()
    assert work_ids_listed(page) == [second.pk, third.pk, first.pk]


def test_only_the_series_creators_may_edit_it(alice, bob):
    post_new_work(alice, new_series_title="Harbour Lights")
    series = Series.objects.get()
    assert client_for(bob).get(f"/series/{series.pk}/edit/").status_code == 403


# -- editing --------------------------------------------------------------------------------


def tagged_work(alice) -> Work:
    return post_new_work(
        alice,
        rating=fixed("Mature").pk,
        warnings=[fixed("Major Character Death").pk, fixed("Graphic Depictions Of Violence").pk],
        categories=[fixed("F/M").pk, fixed("Gen").pk],
        fandoms="Lanternwick Chronicles, Harbour Tales",
        relationships="Maren/Tobin",
        characters="Maren, Tobin",
        additional_tags="Angst, Slow Burn",
        summary="A summary.",
        new_series_title="Harbour Lights",
        expected_chapters="3",
    )


def tag_names(work: Work) -> set[tuple[str, str]]:
    return set(Work.objects.get(pk=work.pk).tags.values_list("type", "name"))


def test_the_edit_form_shows_the_works_tags(alice):
    work = tagged_work(alice)
    shown = form_as_shown(client_for(alice), f"/works/{work.pk}/edit/")
    assert shown["fandoms"] == ["Harbour Tales, Lanternwick Chronicles"]
    assert shown["characters"] == ["Maren, Tobin"]
    assert shown["rating"] == [str(fixed("Mature").pk)]
    assert set(shown["warnings"]) == {
        str(fixed("Major Character Death").pk),
        str(fixed("Graphic Depictions Of Violence").pk),
    }
    assert shown["expected_chapters"] == ["3"]
    assert shown["series"] == [str(Series.objects.get().pk)]


def test_saving_the_edit_form_unchanged_keeps_everything(alice):
    work = tagged_work(alice)
    before = tag_names(work)
    client = client_for(alice)
    data = form_as_shown(client, f"/works/{work.pk}/edit/")
    response = client.post(f"/works/{work.pk}/edit/", {**data, "post": "1"})
    assert response.status_code == 302
    assert tag_names(work) == before
    work.refresh_from_db()
    assert (work.title, work.summary, work.expected_chapters) == (
        "The Lantern Keeper", "<p>A summary.</p>", 3,
    )  # fmt: skip
    assert SeriesWork.objects.filter(work=work, position=1).exists()


def test_editing_changes_the_tags(alice):
    work = tagged_work(alice)
    client = client_for(alice)
    data = form_as_shown(client, f"/works/{work.pk}/edit/")
    data.update(
        additional_tags=["Fluff"],
        characters=["Maren"],
        rating=[str(fixed("Teen And Up Audiences").pk)],
    )
    client.post(f"/works/{work.pk}/edit/", {**data, "post": "1"})
    tags = tag_names(work)
    assert ("additional", "Fluff") in tags
    assert ("additional", "Angst") not in tags
    assert ("character", "Tobin") not in tags
    assert ("rating", "Teen And Up Audiences") in tags
    assert ("rating", "Mature") not in tags
    assert ("fandom", "Harbour Tales") in tags


def test_editing_a_work_updates_its_page(alice, guest_client):
    work = tagged_work(alice)
    client = client_for(alice)
    data = form_as_shown(client, f"/works/{work.pk}/edit/")
    data.update(title=["The Lantern Keeper, Revised"], notes=["New notes."])
    client.post(f"/works/{work.pk}/edit/", {**data, "post": "1"})
    page = client.get(f"/works/{work.pk}/").content.decode()
    assert '<h1 class="title">The Lantern Keeper, Revised</h1>' in page
    assert "<p>New notes.</p>" in page


def test_only_a_works_creators_may_edit_it(alice, bob):
    work = post_new_work(alice)
    assert client_for(bob).get(f"/works/{work.pk}/edit/").status_code == 403
    response = client_for(bob).post(f"/works/{work.pk}/edit/", work_form(bob, title="Mine"))
    assert response.status_code == 403
    work.refresh_from_db()
    assert work.title == "The Lantern Keeper"


# -- chapters and word counts ---------------------------------------------------------------


def add_chapter(client, work: Work, text: str, **fields):
    return client.post(f"/works/{work.pk}/chapters/new/", {"text": text, **fields})


def test_word_counts_are_stored_per_chapter_and_summed_for_the_work(alice):
    work = post_new_work(alice, text="One two three four five.")
    client = client_for(alice)
    add_chapter(client, work, "<p>Six <em>seven</em> eight nine ten eleven twelve.</p>")
    add_chapter(client, work, "Ein zwei drei\n\nvier fünf sechs sieben acht neun zehn elf.")
    counts = list(work.chapters.values_list("word_count", flat=True))
    assert counts == [5, 7, 11]
    work.refresh_from_db()
    assert (work.word_count, work.chapter_count) == (23, 3)


def test_the_work_page_shows_the_total_word_count(alice, guest_client):
    work = post_new_work(alice, text="One two three four five.")
    client = client_for(alice)
    add_chapter(client, work, "Six seven eight nine ten eleven twelve.")
    add_chapter(client, work, "Ein zwei drei vier fünf sechs sieben acht neun zehn elf.")
    page = guest_client.get(f"/works/{work.pk}/").content.decode()
    assert '<dt>Words:</dt><dd class="words">23</dd>' in page
    assert text_of(page, "chapters") == "3/?"


def test_editing_a_chapter_updates_the_word_count(alice):
    work = post_new_work(alice, text="One two three four five.")
    chapter = work.chapters.get()
    client_for(alice).post(
        f"/works/{work.pk}/chapters/{chapter.pk}/edit/", {"text": "Just three words."}
    )
    work.refresh_from_db()
    assert work.word_count == 3


def test_plain_line_breaks_become_paragraphs(alice, guest_client):
    work = post_new_work(alice, text="First line\nsecond line\n\nA new paragraph.")
    assert work.chapters.get().text == "<p>First line<br>\nsecond line</p>\n<p>A new paragraph.</p>"
    page = guest_client.get(f"/works/{work.pk}/").content.decode()
    assert "<p>First line<br>\nsecond line</p>" in page
    assert "<p>A new paragraph.</p>" in page


def test_a_new_chapter_is_added_at_the_end_and_shown(alice, guest_client):
    work = post_new_work(alice)
    response = add_chapter(client_for(alice), work, "The second chapter.", title="Low Tide")
    chapter = work.chapters.get(position=2)
    assert response.status_code == 302
    assert response.url == f"/works/{work.pk}/chapters/{chapter.pk}/"
    page = guest_client.get(response.url).content.decode()
    assert "Low Tide" in page
    assert "<p>The second chapter.</p>" in page


def test_a_work_longer_than_one_chapter_shows_its_first_chapter(alice, guest_client):
    work = post_new_work(alice, text="Only in chapter one.")
    add_chapter(client_for(alice), work, "Only in chapter two.")
    page = guest_client.get(f"/works/{work.pk}/").content.decode()
    assert "Only in chapter one." in page
    assert "Only in chapter two." not in page
    full = guest_client.get(f"/works/{work.pk}/?view_full_work=true").content.decode()
    assert "Only in chapter two." in full


def test_a_work_keeps_its_last_chapter(alice):
    work = post_new_work(alice)
    chapter = work.chapters.get()
    response = client_for(alice).post(
        f"/works/{work.pk}/chapters/{chapter.pk}/delete/", follow=True
    )
    assert "A work needs at least one chapter; delete the work instead." in (
        response.content.decode()
    )
    assert work.chapters.count() == 1


def test_free_tags_are_created_with_the_type_of_their_field(alice):
    post_new_work(alice, relationships="Maren/Tobin", characters="Maren", additional_tags="Fluff")
    assert Tag.objects.get(name="Maren/Tobin").type == TagType.RELATIONSHIP
    assert Tag.objects.get(name="Maren").type == TagType.CHARACTER
    assert Tag.objects.get(name="Fluff").type == TagType.ADDITIONAL
    assert Tag.objects.get(name="Lanternwick Chronicles").type == TagType.FANDOM


def test_a_co_creator_is_invited_and_appears_after_accepting(alice, bob, guest_client):
    work = post_new_work(alice, co_creators="bob")
    page = guest_client.get(f"/works/{work.pk}/").content.decode()
    assert ">bob</a>" not in page
    ship = work.creatorships.get(pseud__user=bob)
    client_for(bob).post(f"/invitations/{ship.pk}/", {"answer": "accept"})
    page = guest_client.get(f"/works/{work.pk}/").content.decode()
    assert ">bob</a>" in page
