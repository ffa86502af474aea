"""Dates when drafts are posted, the one-chapter edit link, and staff edits in the admin."""

from __future__ import annotations

from datetime import date, timedelta

from django.utils import timezone

from ficarchive.works.models import Work
from tests.conftest import PASSWORD, client_for, make_work


def test_a_draft_posted_days_later_is_dated_the_day_it_posts(alice):
    draft = make_work(alice, "Slow draft", posted=False)
    week_ago = timezone.now() - timedelta(days=7)
    Work.objects.filter(pk=draft.pk).update(created_at=week_ago, published_on=week_ago.date())

    client_for(alice).post(f"/works/{draft.pk}/post/")

    draft.refresh_from_db()
    assert draft.posted
    assert draft.published_on == timezone.localdate()


def test_a_backdated_draft_keeps_its_chosen_date_when_posted(alice):
    draft = make_work(alice, "Old story", posted=False, published_on=date(2019, 5, 4))
    client_for(alice).post(f"/works/{draft.pk}/post/")
    draft.refresh_from_db()
    assert draft.published_on == date(2019, 5, 4)


def test_a_one_chapter_work_offers_its_creator_a_link_to_edit_the_text(alice):
    work = make_work(alice)
    chapter = work.chapters.get()
    page = client_for(alice).get(f"/works/{work.pk}/").content.decode()
    assert f'href="/works/{work.pk}/chapters/{chapter.pk}/edit/">Edit Text' in page


def test_user_names_log_in_in_any_case(alice, guest_client):
    response = guest_client.post(
        "/account/login/", {"username": "ALICE", "password": PASSWORD}, follow=True
    )
    assert response.context["user"] == alice


def test_summaries_saved_by_staff_in_the_admin_are_sanitised(alice, staff):
    from django.contrib.auth.models import Permission

    staff.user_permissions.add(
        *Permission.objects.filter(codename__in=["change_work", "view_work"])
    )
    work = make_work(alice)
    admin = client_for(staff)
    form = admin.get(f"/admin/works/work/{work.pk}/change/").context["adminform"].form
    data = {name: value for name, value in form.initial.items() if value is not None}
    data.update({
        "title": work.title, "summary": '<p onclick="x()">Hi<script>alert(1)</script></p>',
        "tags": ",".join(str(t.pk) for t in work.tags.all()),
        "published_on": work.published_on.isoformat(), "revised_at_0": "2026-01-01",
        "revised_at_1": "10:00:00", "language": "en", "comment_permission": "everyone",
        "creatorships-TOTAL_FORMS": "0", "creatorships-INITIAL_FORMS": "0",
        "chapters-TOTAL_FORMS": "0", "chapters-INITIAL_FORMS": "0",
    })  # fmt: skip
    data = {k: v for k, v in data.items() if not isinstance(v, (list, tuple))}
    data["tags"] = [str(t.pk) for t in work.tags.all()]
    data.pop("hidden_by_admin", None)
    data.pop("restricted", None)
    data["posted"] = "on"
    response = admin.post(f"/admin/works/work/{work.pk}/change/", data)
    assert response.status_code == 302, response.content.decode()[:2000]
    work.refresh_from_db()
    assert work.summary == "<p>Hi</p>"
