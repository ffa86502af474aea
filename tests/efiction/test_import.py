"""Migrating the fixture archive into the archive: accounts, works, tags, series, and
everything the report says. Runs on whichever database the test run uses."""

from __future__ import annotations

from datetime import UTC, date, datetime
from io import StringIO

import pytest
from django.contrib.auth import authenticate
from django.contrib.auth.hashers import check_password, identify_hasher
from django.core.management import CommandError, call_command
from django.test import Client

from ficarchive.accounts.hashers import EFictionMD5PasswordHasher
from ficarchive.accounts.models import User
from ficarchive.formats.efiction import EFictionError, read_archive
from ficarchive.tags.models import Tag, TagType
from ficarchive.works.efiction import (
    ALREADY,
    IMPORTED,
    SKIPPED,
    import_archive,
    login_base,
    sid_of,
)
from ficarchive.works.models import Series, Work
from tests.conftest import make_user
from tests.efiction.conftest import DUMP, PASSWORDS, STORIES


def run(**options):
    options.setdefault("stories_dir", STORIES)
    return import_archive(DUMP, **options)


def work(sid: int) -> Work:
    return Work.objects.get(source_url=f"efiction:{sid}")


def tags(w: Work, tag_type: str) -> list[str]:
    return sorted(t.name for t in w.tags.all() if t.type == tag_type)


def creators(w: Work) -> list[str]:
    return sorted(c.pseud.user.username for c in w.creatorships.filter(approved=True))


def counts() -> tuple[int, int, int, int]:
    return User.objects.count(), Work.objects.count(), Series.objects.count(), Tag.objects.count()


@pytest.fixture
def imported(db):
    return run()


# -- accounts -----------------------------------------------------------------------------


def test_every_member_gets_an_account(imported):
    assert imported.count("account", IMPORTED) == 4
    assert sorted(User.objects.values_list("username", flat=True)) == [
        "J_R_Reads", "Ola_Laka", "Zoe_Marchetti", "quill_ink",
    ]  # fmt: skip


def test_the_pen_name_becomes_the_default_pseud_when_it_can(imported):
    zoe = User.objects.get(username="Zoe_Marchetti")
    assert zoe.default_pseud.name == "Zoë Marchetti"
    assert zoe.default_pseud.description == "Writes about orchards and lamplight.\nLikes tea."
    assert User.objects.get(username="Ola_Laka").default_pseud.name == "Ola Łąka"
    # "quill&ink" and "J.R. Reads" hold characters pseuds can't: the user name stands in.
    assert User.objects.get(username="quill_ink").default_pseud.name == "quill_ink"


def test_emails_and_join_dates_are_kept(imported):
    zoe = User.objects.get(username="Zoe_Marchetti")
    assert zoe.email == "zoe@example.org"
    assert zoe.date_joined == datetime(2005, 1, 1, tzinfo=UTC)


def test_a_member_without_an_email_gets_a_placeholder_and_no_password(imported):
    reader = User.objects.get(username="J_R_Reads")
    assert reader.email == "efiction-4@example.invalid"
    assert not reader.has_usable_password()


def test_the_old_md5_hash_is_stored_for_django_to_check(imported, real_hashers):
    zoe = User.objects.get(username="Zoe_Marchetti")
    assert zoe.password == "md5$$ab6a56ea0da7a9ff54a29e89101e3607"
    assert identify_hasher(zoe.password).algorithm == "unsalted_md5"


@pytest.mark.parametrize(
    ("penname", "expected"),
    [
        ("Zoë Marchetti", "Zoe_Marchetti"),
        ("Ola Łąka", "Ola_Laka"),
        ("  --Wren & Co.--  ", "Wren_Co"),
        ("Al", "Al_7"),
        ("さくら", "efiction_7"),
        ("x" * 60, "x" * 40),
    ],
)
def test_user_names_are_made_from_pen_names(penname, expected):
    assert login_base(penname, 7) == expected


def test_a_taken_user_name_or_email_is_not_reused(db):
    make_user("Zoe_Marchetti")
    other = User.objects.create_user("someone", "shared@example.org", "x")
    report = run()
    assert User.objects.filter(username="Zoe_Marchetti_2").exists()
    quill = User.objects.get(username="quill_ink")
    assert quill.email == "efiction-3@example.invalid"
    other.refresh_from_db()
    assert other.email == "shared@example.org" and other.username == "someone"
    assert any("already belongs to another account" in n for i in report.items for n in i.notes)


# -- logging in with the old password -----------------------------------------------------


def test_the_old_password_logs_in_and_is_rehashed_with_argon2(imported, real_hashers):
    client = Client()
    response = client.post(
        "/account/login/",
        {"username": "zoe_marchetti", "password": PASSWORDS["Zoe_Marchetti"]},
    )
    assert response.status_code == 302
    assert client.session.get("_auth_user_id")
    zoe = User.objects.get(username="Zoe_Marchetti")
    assert zoe.password.startswith("argon2$")
    assert zoe.check_password(PASSWORDS["Zoe_Marchetti"])


def test_a_wrong_password_fails_and_keeps_the_old_hash(imported, real_hashers):
    response = Client().post("/account/login/", {"username": "Ola_Laka", "password": "nope nope"})
    assert response.status_code == 200
    assert User.objects.get(username="Ola_Laka").password.startswith("md5$$")


def test_authenticate_accepts_every_imported_password(imported, real_hashers):
    for username, password in PASSWORDS.items():
        user = authenticate(username=username, password=password)
        assert user is not None and user.username == username
        assert user.password.startswith("argon2$")


def test_the_hasher_checks_bare_and_prefixed_hashes(real_hashers):
    hasher = EFictionMD5PasswordHasher()
    bare = "ab6a56ea0da7a9ff54a29e89101e3607"
    assert hasher.verify("lanterns-at-dusk", bare)
    assert hasher.verify("lanterns-at-dusk", "md5$$" + bare)
    assert hasher.verify("lanterns-at-dusk", "md5$$" + bare.upper())
    assert not hasher.verify("lanterns-at-dawn", bare)
    assert check_password("lanterns-at-dusk", bare)  # Django finds the hasher on its own
    assert hasher.must_update("md5$$" + bare)
    assert hasher.safe_summary("md5$$" + bare)["hash"].startswith("ab6")


def test_a_non_ascii_password_hashed_from_a_cp1252_page_still_works():
    import hashlib

    legacy = hashlib.md5("café au lait".encode("cp1252")).hexdigest()
    assert EFictionMD5PasswordHasher().verify("café au lait", legacy)


# -- works --------------------------------------------------------------------------------


def test_stories_become_posted_works_with_their_chapters(imported):
    lamplighter = work(1)
    assert lamplighter.title == "The Lamplighter’s Daughter"
    assert lamplighter.posted
    assert [c.title for c in lamplighter.chapters.all()] == ["Dusk", "Night", "Dawn"]
    first = lamplighter.chapters.first()
    assert first.text.startswith("<p>Maren climbed the tower at dusk.</p>\n<p>")
    assert first.end_notes == "<p>More soon!</p>"
    assert lamplighter.summary.endswith("Don't tell the mayor.</p>")


def test_unvalidated_chapters_are_left_out_and_said_so(imported):
    item = next(i for i in imported.items if i.source.startswith("story 1 "))
    assert any("never validated" in note for note in item.notes)
    assert work(1).chapter_count == 3


def test_chapters_kept_in_files_are_imported_whatever_their_encoding(imported):
    ferry = work(2)
    texts = [c.text for c in ferry.chapters.all()]
    assert "Żaglówka means sailboat." in texts[0]
    assert texts[1].startswith("<p>The café was closed – so they waited")


def test_dates_hits_and_completion_carry_over(imported):
    lamplighter, ferry = work(1), work(2)
    assert lamplighter.published_on == date(2005, 6, 1)
    assert lamplighter.revised_at == datetime(2005, 7, 1, tzinfo=UTC)
    assert [c.published_on for c in lamplighter.chapters.all()] == [
        date(2005, 6, 1), date(2005, 7, 1), date(2005, 7, 1),
    ]  # fmt: skip
    assert lamplighter.hits == 150
    assert lamplighter.complete and lamplighter.expected_chapters == 3
    assert not ferry.complete and ferry.expected_chapters is None


def test_categories_become_fandoms_with_subcategories_named_by_their_path(imported):
    assert tags(work(1), TagType.FANDOM) == ["The Glass Orchard - Season One"]
    assert tags(work(3), TagType.FANDOM) == ["Starfall Academy", "The Glass Orchard"]


def test_characters_become_character_tags_told_apart_by_fandom(imported):
    assert tags(work(1), TagType.CHARACTER) == [
        "Maren Holt", "The Archivist (The Glass Orchard)", "Tobin Vale",
    ]  # fmt: skip
    assert "The Archivist (Starfall Academy)" in tags(work(2), TagType.CHARACTER)


def test_ratings_are_matched_by_name(imported):
    assert tags(work(1), TagType.RATING) == ["Teen And Up Audiences"]  # PG-13
    assert tags(work(4), TagType.RATING) == ["General Audiences"]  # G
    assert tags(work(3), TagType.RATING) == ["Explicit"]  # NC-17
    assert tags(work(2), TagType.RATING) == ["Not Rated"]  # "Spicy"
    assert any("“Spicy” matches none" in note for note in imported.notes)


def test_a_members_only_rating_makes_the_work_restricted(imported):
    assert work(3).restricted
    assert not work(1).restricted


def test_warnings_and_genres_become_warnings_and_additional_tags(imported):
    assert tags(work(1), TagType.WARNING) == ["Graphic Depictions Of Violence"]  # "Violence"
    assert tags(work(1), TagType.ADDITIONAL) == ["Angst"]
    assert tags(work(3), TagType.WARNING) == ["Major Character Death"]
    assert tags(work(4), TagType.WARNING) == ["No Archive Warnings Apply"]  # "None"
    # "Mild Language" is no archive warning: kept as a tag, and no warning is claimed.
    assert tags(work(2), TagType.ADDITIONAL) == ["Mild Language", "Romance"]
    assert tags(work(2), TagType.WARNING) == ["Choose Not To Use Archive Warnings"]


def test_coauthors_are_credited(imported):
    assert creators(work(3)) == ["Zoe_Marchetti", "quill_ink"]
    assert creators(work(1)) == ["Zoe_Marchetti"]


def test_an_unvalidated_story_arrives_as_a_draft(imported):
    draft = work(5)
    assert not draft.posted
    assert any(i.draft for i in imported.items if i.source.startswith("story 5 "))


def test_series_keep_their_order(imported):
    series = Series.objects.get(title="The Orchard Cycle")
    assert [m.work.title for m in series.memberships.order_by("position")] == [
        "Before the Orchard", "The Lamplighter’s Daughter",
    ]  # fmt: skip
    assert [p.user.username for p in series.creators.all()] == ["Zoe_Marchetti"]
    assert series.summary == "<p>How the orchard came to be.</p>"


def test_the_works_are_found_by_search_and_listings(imported):
    from ficarchive.works.models import Work as W

    assert W.objects.public().filter(source_url__startswith="efiction:").count() == 3


def test_source_links_point_at_the_old_site_when_given(db):
    run(base_url="http://orchard.example.net/efiction/")
    lamplighter = Work.objects.get(title="The Lamplighter’s Daughter")
    assert lamplighter.source_url == "http://orchard.example.net/efiction/viewstory.php?sid=1"
    assert sid_of(lamplighter.source_url) == 1


def test_the_old_site_address_is_suggested_unless_given(db):
    hint = "--base-url http://orchard.example.net/efiction to link each work"
    assert any(hint in note for note in run(dry_run=True).notes)
    given = run(dry_run=True, base_url="http://orchard.example.net/efiction")
    assert not any(hint in note for note in given.notes)


def test_a_bad_base_url_is_refused_before_anything_is_saved(db):
    with pytest.raises(EFictionError, match="http://"):
        run(base_url="orchard.example.net")
    assert counts()[:3] == (0, 0, 0)


# -- running again ------------------------------------------------------------------------


def test_running_again_imports_nothing_twice(imported):
    before = counts()
    again = run()
    assert counts() == before
    assert again.count("account", ALREADY) == 4 and again.count("account", IMPORTED) == 0
    assert again.count("work", ALREADY) == 5 and again.count("work", IMPORTED) == 0
    assert again.count("series") == 0


def test_running_again_finds_accounts_with_placeholder_emails(db):
    User.objects.create_user("someone", "shared@example.org", "x")
    run()
    before = counts()
    again = run()
    assert counts() == before
    assert again.count("account", ALREADY) == 4


def test_a_base_url_added_later_still_recognises_earlier_works(imported):
    again = run(base_url="http://orchard.example.net/efiction")
    assert again.count("work", ALREADY) == 5


def test_a_story_skipped_once_is_imported_when_its_problem_is_fixed(db):
    first = run(stories_dir=None)
    skipped = [i for i in first.items if i.status == SKIPPED and i.kind == "work"]
    assert [i.source for i in skipped] == ["story 2 “Ferry Lights”"]
    assert "pass --stories-dir" in skipped[0].detail
    assert not Work.objects.filter(title="Ferry Lights").exists()
    second = run()
    assert second.count("work", IMPORTED) == 1 and second.count("work", ALREADY) == 4
    assert work(2).chapter_count == 2


def test_a_series_finished_in_a_later_run_keeps_its_order(db):
    with read_archive(dump=DUMP, stories_dir=STORIES) as archive:
        del archive.stories[4]  # the first part of the series
        import_archive(archive)
    assert Series.objects.count() == 1
    run()
    series = Series.objects.get()
    assert [m.work.title for m in series.memberships.order_by("position")] == [
        "Before the Orchard", "The Lamplighter’s Daughter",
    ]  # fmt: skip


# -- dry runs, clashes, progress ----------------------------------------------------------


def test_a_dry_run_saves_nothing_and_says_what_would_happen(db):
    before = counts()
    report = run(dry_run=True)
    assert counts() == before
    assert report.count("account", IMPORTED) == 4
    assert report.count("work", IMPORTED) == 5
    assert report.count("series", IMPORTED) == 1
    assert report.summary()[1].startswith("Works: 5 would be imported")


def test_a_name_taken_by_another_tag_type_gets_a_qualifier(db):
    Tag.objects.create(name="Maren Holt", type=TagType.FANDOM)
    report = run()
    assert "Maren Holt (The Glass Orchard)" in tags(work(1), TagType.CHARACTER)
    assert any("“Maren Holt (The Glass Orchard)”" in note for note in report.notes)


def test_progress_is_reported_to_the_end(db):
    seen = []
    run(progress=lambda done, total, what: seen.append((done, total, what)))
    assert seen[-1] == (19, 19, "favorites")
    assert [s[0] for s in seen] == list(range(1, 20))
    assert [s[2] for s in seen].count("reviews") == 5  # stories with reviews, one step each


def test_hostile_html_in_a_story_is_cleaned(db, tmp_path):
    data = DUMP.read_bytes().replace(
        b"The orchard was only seeds, then.",
        b'The orchard was only seeds.<script>alert(1)</script><a href=\\"javascript:x()\\">x</a>',
    )
    (tmp_path / "hostile.sql").write_bytes(data)
    import_archive(tmp_path / "hostile.sql", stories_dir=STORIES)
    text = work(4).chapters.get().text
    assert "<script" not in text and "javascript:" not in text
    assert "The orchard was only seeds." in text


# -- bad input ----------------------------------------------------------------------------


def test_a_truncated_dump_imports_nothing(db, tmp_path, dump_bytes):
    path = tmp_path / "cut.sql"
    path.write_bytes(dump_bytes[: dump_bytes.index(b"nobody agreed on north") + 10])
    with pytest.raises(EFictionError, match="truncated"):
        import_archive(path, stories_dir=STORIES)
    assert counts()[:3] == (0, 0, 0)


def test_a_dump_without_efiction_tables_imports_nothing(db, tmp_path):
    path = tmp_path / "other.sql"
    path.write_bytes(b"CREATE TABLE `wp_posts` (`ID` int);\nINSERT INTO `wp_posts` VALUES (1);")
    with pytest.raises(EFictionError, match="No eFiction tables"):
        import_archive(path)
    assert counts()[:3] == (0, 0, 0)


# -- the command --------------------------------------------------------------------------


def command(*args: str) -> str:
    out = StringIO()
    call_command("import_efiction", *args, stdout=out, stderr=StringIO())
    return out.getvalue()


def test_the_command_imports_and_summarises(db):
    output = command("--dump", str(DUMP), "--stories-dir", str(STORIES))
    assert "Accounts: 4 created, 0 already here, 0 skipped." in output
    assert "Works: 5 imported (1 as a draft), 0 already here, 0 skipped." in output
    assert "Series: 1 created." in output
    reviews = "Reviews: 6 imported as comments (with 1 author's reply), 0 already here, 4 skipped."
    favorites = "Favorites: 4 imported (3 bookmarks, 1 subscription), 0 already here, 5 skipped."
    assert reviews in output and favorites in output
    assert "review 3 by “A passer-by”: skipped: a review of a series" in output
    again = command("--dump", str(DUMP), "--stories-dir", str(STORIES))
    assert "Works: 0 imported, 5 already here, 0 skipped." in again
    assert "Reviews: 0 imported as comments, 6 already here, 4 skipped." in again
    assert "Favorites: 0 imported, 4 already here, 5 skipped." in again


def test_the_command_lists_skipped_stories_with_their_reason(db):
    output = command("--dump", str(DUMP))
    assert "story 2 “Ferry Lights”: skipped: chapter 1 (“Outbound”) has no text" in output


def test_the_command_dry_run_saves_nothing(db):
    output = command("--dump", str(DUMP), "--stories-dir", str(STORIES), "--dry-run", "-v2")
    assert output.startswith("Dry run: nothing was saved.")
    assert "story 1 “The Lamplighter’s Daughter”: would be imported" in output
    assert counts()[:3] == (0, 0, 0)


def test_the_command_writes_the_accounts_list(db, tmp_path):
    path = tmp_path / "accounts.csv"
    command("--dump", str(DUMP), "--stories-dir", str(STORIES), "--accounts-csv", str(path))
    lines = path.read_text(encoding="utf-8").splitlines()
    assert lines[0] == "efiction_uid,penname,username,email,status,password"
    assert lines[1] == "1,Zoë Marchetti,Zoe_Marchetti,zoe@example.org,imported,old password works"
    assert lines[4].endswith(",must reset")


def test_the_authors_only_option_skips_readers(db):
    report = run(authors_only=True)
    assert not User.objects.filter(username="J_R_Reads").exists()
    assert any("1 members without stories" in note for note in report.notes)


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--dsn", "postgres://u@h/db"], "must start with mysql://"),
        (["--dsn", "root@127.0.0.1/efiction"], "must start with mysql://"),
        (["--dsn", "mysql://root@127.0.0.1:3306/"], "names no database"),
        (["--dsn", "mysql://root@127.0.0.1:1/efiction"], "Can't connect"),
        (["--dump", "/nonexistent/backup.sql"], "Can't read the dump"),
        (["--dump", str(DUMP), "--stories-dir", "/nonexistent"], "does not exist"),
        (["--dump", str(DUMP), "--base-url", "ftp://x"], "http://"),
    ],
)
def test_the_command_explains_bad_input(db, args, message):
    with pytest.raises(CommandError, match=message):
        command(*args)
    assert counts()[:3] == (0, 0, 0)


def test_the_command_needs_exactly_one_source(db):
    with pytest.raises(CommandError):
        command()
    with pytest.raises(CommandError):
        command("--dump", str(DUMP), "--dsn", "mysql://root@h/db")
