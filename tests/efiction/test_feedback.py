"""The fixture archive's reviews and favourites: comments, bookmarks and subscriptions here,
told to nobody, counted truly, never doubled by a second run. Runs on whichever database
the test run uses."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
from django.core import mail

from ficarchive.accounts.models import User
from ficarchive.community.models import Bookmark, Comment, InboxItem, Subscription
from ficarchive.community.services.counts import recount
from ficarchive.works.efiction import ALREADY, IMPORTED, SKIPPED, import_archive
from ficarchive.works.models import CommentPermission, EFictionRecord, Series, Work
from tests.efiction.conftest import DUMP, STORIES


def run(**options):
    options.setdefault("stories_dir", STORIES)
    return import_archive(DUMP, **options)


def work(sid: int) -> Work:
    return Work.objects.get(source_url=f"efiction:{sid}")


def user(name: str) -> User:
    return User.objects.get(username=name)


def item(report, source: str):
    return next(i for i in report.items if i.source.startswith(source))


def feedback_counts() -> tuple[int, int, int]:
    return Comment.objects.count(), Bookmark.objects.count(), Subscription.objects.count()


@pytest.fixture
def imported(db):
    return run()


# -- reviews ------------------------------------------------------------------------------


def test_reviews_become_comments_on_the_chapter_they_were_about(imported):
    comments = Comment.objects.filter(work=work(1)).order_by("created_at", "pk")
    assert [(c.author_name, c.chapter.position) for c in comments] == [
        ("J_R_Reads", 1), ("Ola Łąka (Ola_Laka)", 2), ("Anonymous", 1), ("quill_ink", 3),
    ]  # fmt: skip


def test_a_members_review_is_theirs_and_keeps_its_date(imported):
    comment = Comment.objects.get(work=work(1), chapter__position=1, user__isnull=False)
    assert comment.user == user("J_R_Reads")
    assert comment.pseud == user("J_R_Reads").default_pseud
    assert comment.created_at == datetime(2005, 6, 15, tzinfo=UTC)
    assert comment.body == "<p>Lovely!</p>"


def test_a_guests_review_is_a_guest_comment_under_the_name_they_gave(imported):
    wren = Comment.objects.get(work=work(2), parent=None)
    assert (wren.user, wren.guest_name, wren.by_guest) == (None, "Wren", True)
    assert wren.body == "<p>The ferry scene made me smile.</p>"


def test_a_review_naming_no_chapter_date_or_name_says_so(imported):
    comment = Comment.objects.get(guest_name="Anonymous")
    assert comment.chapter.position == 1  # its chapter was never validated
    assert comment.created_at == datetime(2005, 7, 1, tzinfo=UTC)  # the story's last update
    notes = item(imported, "review 10").notes
    assert any("was not carried over: on the first chapter" in n for n in notes)
    assert any("eFiction kept no date" in n for n in notes)


def test_the_authors_response_becomes_their_reply(imported):
    review = Comment.objects.get(work=work(2), parent=None)
    reply = review.replies.get()
    assert reply.user == user("Ola_Laka")
    assert reply.body == "<p>Thank you, Wren! More crossings soon.</p>"
    assert (reply.thread_id, reply.depth) == (review.pk, 1)
    assert item(imported, "review 4 ").reply


def test_a_response_on_a_co_authored_story_stays_in_the_review(imported):
    comment = Comment.objects.get(work=work(3))
    assert comment.body.endswith("<p><i>Author's response: All three of us, at once.</i></p>")
    assert not comment.replies.exists()


def test_plain_text_reviews_get_paragraphs(imported):
    comment = Comment.objects.get(user=user("quill_ink"))
    assert comment.body == "<p>Line one.</p>\n<p>Line two, with <b>bold</b>.</p>"


def test_hostile_html_in_a_review_is_cleaned(db, tmp_path):
    data = DUMP.read_bytes().replace(
        b"'Lovely!'", b"'Lovely!<script>alert(1)</script><a href=\\\"javascript:x()\\\">x</a>'"
    )
    (tmp_path / "hostile.sql").write_bytes(data)
    import_archive(tmp_path / "hostile.sql", stories_dir=STORIES)
    body = Comment.objects.get(user__username="J_R_Reads").body
    assert "<script" not in body and "javascript:" not in body
    assert body.startswith("<p>Lovely!")


def test_comment_counts_match_the_comments(imported):
    assert [work(sid).comments_count for sid in (1, 2, 3, 4)] == [4, 2, 1, 0]
    before = list(Work.objects.order_by("pk").values_list("comments_count", "bookmarks_count"))
    recount(Work.objects.values_list("pk", flat=True))
    assert list(Work.objects.order_by("pk").values_list("comments_count", "bookmarks_count")) == (
        before
    )


def test_reviews_that_cant_be_comments_are_reported_with_their_reason(imported):
    expected = {
        "review 3 ": "a review of a series: comments here are on works only",
        "review 6 ": "only a score, no words: comments here have no scores",
        "review 8 ": "its story is a draft here, and drafts take no comments",
        "review 9 ": "story 99 is not in the archive",
    }
    for source, reason in expected.items():
        found = item(imported, source)
        assert (found.status, found.detail) == (SKIPPED, reason)
    assert imported.count("review", IMPORTED) == 6
    assert any(n.startswith("2 reviews gave the story a score") for n in imported.notes)


def test_a_reviewer_without_an_account_becomes_a_guest(db):
    report = run(authors_only=True)
    comment = Comment.objects.get(work=work(1), chapter__position=1, guest_name="J.R. Reads")
    assert comment.user is None
    assert "member 4 has no account here: a guest comment" in item(report, "review 1 ").notes


def test_the_works_rules_still_decide(imported):
    Comment.objects.all().delete()
    EFictionRecord.objects.filter(kind="review").delete()  # as if never imported
    recount(Work.objects.values_list("pk", flat=True))
    Work.objects.filter(pk=work(2).pk).update(comment_permission=CommentPermission.REGISTERED)
    again = run()
    wren = item(again, "review 4 ")
    assert wren.status == SKIPPED and "only allows comments from users who are logged in" in (
        wren.detail
    )
    assert not Comment.objects.filter(work=work(2)).exists()  # not even the reply
    assert work(2).comments_count == 0
    assert work(1).comments_count == 4


# -- favourites ---------------------------------------------------------------------------


def test_favorite_stories_become_public_bookmarks(imported):
    bookmarks = Bookmark.objects.filter(work=work(1)).order_by("user__username")
    assert [(b.user.username, b.private, b.notes) for b in bookmarks] == [
        ("J_R_Reads", False, ""), ("quill_ink", False, "<p>Read it twice.</p>"),
    ]  # fmt: skip
    assert work(1).bookmarks_count == 2


def test_a_favorite_series_becomes_a_bookmark_of_the_series(imported):
    bookmark = Bookmark.objects.get(series__isnull=False)
    assert bookmark.series == Series.objects.get(title="The Orchard Cycle")
    assert bookmark.user == user("Ola_Laka")


def test_a_favorite_author_becomes_a_subscription_to_them(imported):
    subscription = Subscription.objects.get()
    assert (subscription.user, subscription.creator) == (user("J_R_Reads"), user("Zoe_Marchetti"))


def test_favorites_that_cant_be_mapped_are_reported_with_their_reason(imported):
    expected = {
        "member 2's favorite story 5": "they can't see the work here (a draft, or hidden)",
        "member 1's favorite author 1": "a member's favorite of themselves: nobody "
        "subscribes to themselves",
        "member 3's favorite story 7": "story 7 is not in the archive",
        "member 1's favorite “CH” 2": "eFiction favorites of type “CH” have no counterpart here",
        "member 9's favorite story 2": "member 9 has no account here",
    }
    for source, reason in expected.items():
        found = item(imported, source)
        assert (found.status, found.detail) == (SKIPPED, reason)
    assert imported.summary()[-1] == (
        "Favorites: 4 imported (3 bookmarks, 1 subscription), 0 already here, 5 skipped."
    )


# -- nobody is told -----------------------------------------------------------------------


def test_nobody_is_emailed_or_told_in_their_inbox(db, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        run(stories_dir=None)  # Ola's story waits for its files
    fan = User.objects.create_user("fan", "fan@example.org", "x")
    Subscription.objects.create(user=fan, creator=user("Ola_Laka"))
    with django_capture_on_commit_callbacks(execute=True):
        second = run()
    assert second.count("work", IMPORTED) == 1 and item(second, "review 4 ").status == IMPORTED
    assert not InboxItem.objects.exists()
    assert mail.outbox == []


# -- running again ------------------------------------------------------------------------


def test_running_again_brings_nothing_twice(imported):
    before = (
        feedback_counts(),
        list(Work.objects.order_by("pk").values_list("comments_count", "bookmarks_count")),
    )
    again = run()
    assert (
        feedback_counts(),
        list(Work.objects.order_by("pk").values_list("comments_count", "bookmarks_count")),
    ) == before
    assert again.count("review", ALREADY) == 6 and again.count("review", IMPORTED) == 0
    assert again.count("favorite", ALREADY) == 4 and again.count("favorite", IMPORTED) == 0


def test_what_people_changed_since_is_left_alone(imported):
    comment = Comment.objects.get(user__username="J_R_Reads")
    Comment.objects.filter(pk=comment.pk).update(body="<p>Edited since.</p>")
    bookmark = Bookmark.objects.get(user__username="quill_ink")
    Bookmark.objects.filter(pk=bookmark.pk).update(notes="<p>My own words.</p>", private=True)
    run()
    assert Comment.objects.get(pk=comment.pk).body == "<p>Edited since.</p>"
    bookmark.refresh_from_db()
    assert (bookmark.notes, bookmark.private) == ("<p>My own words.</p>", True)
    assert Comment.objects.filter(user__username="J_R_Reads").count() == 1


def test_what_people_deleted_since_stays_deleted(imported):
    """Running the import again (say, after fixing a story that failed) brings back no
    deleted comment, bookmark or subscription."""
    Comment.objects.filter(user__username="J_R_Reads").delete()
    Bookmark.objects.filter(user__username="quill_ink").delete()
    Subscription.objects.all().delete()
    before = feedback_counts()
    again = run()
    assert feedback_counts() == before
    assert again.count("review", IMPORTED) == 0 and again.count("favorite", IMPORTED) == 0


def test_a_work_deleted_to_be_imported_again_comes_back_with_its_feedback(imported):
    """The documented way to re-import a story: delete its work and run again."""
    comments = Comment.objects.filter(work=work(1)).count()
    bookmarks = Bookmark.objects.filter(work=work(1)).count()
    assert comments and bookmarks
    work(1).delete()
    run()
    assert Comment.objects.filter(work=work(1)).count() == comments
    assert Bookmark.objects.filter(work=work(1)).count() == bookmarks


def test_an_import_made_before_records_were_kept_is_recorded_on_the_next_run(imported):
    EFictionRecord.objects.all().delete()  # as an archive imported by an older version
    run()
    Comment.objects.filter(user__username="J_R_Reads").delete()
    Bookmark.objects.filter(user__username="quill_ink").delete()
    before = feedback_counts()
    run()
    assert feedback_counts() == before


def test_reviews_of_a_story_imported_later_arrive_with_it(db):
    first = run(stories_dir=None)
    assert item(first, "review 4 ").detail == "its story, 2, was not imported (see above)"
    second = run()
    assert item(second, "review 4 ").status == IMPORTED
    assert work(2).comments_count == 2


def test_a_dry_run_saves_no_feedback_and_counts_what_would_come(db):
    report = run(dry_run=True)
    assert feedback_counts() == (0, 0, 0)
    assert report.summary()[-2:] == [
        "Reviews: 6 would be imported as comments (with 1 author's reply), 0 already here, "
        "4 skipped.",
        "Favorites: 4 would be imported (3 bookmarks, 1 subscription), 0 already here, 5 skipped.",
    ]


def test_a_dry_run_after_an_import_finds_everything_here(imported):
    report = run(dry_run=True)
    assert report.count("review", ALREADY) == 6
    assert report.count("favorite", ALREADY) == 4


def test_an_over_long_response_is_left_out_and_said_so(db, tmp_path):
    data = DUMP.read_bytes().replace(b"Thank you, Wren! More crossings soon.", b"Thanks! " * 1500)
    (tmp_path / "long.sql").write_bytes(data)
    report = import_archive(tmp_path / "long.sql", stories_dir=STORIES)
    wren = Comment.objects.get(guest_name="Wren")
    assert not wren.replies.exists()
    assert any(n.startswith("the author's response was left out: Comments can be at most")
               for n in item(report, "review 4 ").notes)  # fmt: skip
