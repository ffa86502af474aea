"""Writing through the API: the site's rules, a write-scoped token, nothing changed on error."""

from __future__ import annotations

import pytest

from ficarchive.community.models import Bookmark, Comment, Kudos, Subscription
from ficarchive.works.models import Work
from tests.api.conftest import bearer
from tests.conftest import client_for, make_work

pytestmark = pytest.mark.django_db

NEW_WORK = {
    "title": "Ferry Crossing",
    "rating": "General Audiences",
    "warnings": ["No Archive Warnings Apply"],
    "fandoms": ["Lanternwick Chronicles"],
    "additional_tags": ["Gentle Mornings"],
    "text": "The ferry left the pier just after the bell rang.",
    "post": True,
}


def test_a_write_token_posts_a_work(api, alice):
    response = api.post("/api/v1/works", NEW_WORK, content_type="application/json",
                        headers=bearer(alice, "write"))  # fmt: skip
    assert response.status_code == 201, response.json()
    data = response.json()
    assert data["title"] == "Ferry Crossing" and data["posted"]
    assert [t["name"] for t in data["additional_tags"]] == ["Gentle Mornings"]
    assert (
        "ferry left the pier"
        in api.get(f"/api/v1/works/{data['id']}/chapters/{data['chapters'][0]['id']}").json()[
            "text"
        ]
    )


def test_a_new_work_stays_a_draft_unless_posted(api, alice):
    draft = {**NEW_WORK, "post": False}
    data = api.post("/api/v1/works", draft, content_type="application/json",
                    headers=bearer(alice, "write")).json()  # fmt: skip
    assert not data["posted"]
    assert api.get(f"/api/v1/works/{data['id']}").status_code == 404


def test_a_read_token_cannot_write(api, alice):
    response = api.post("/api/v1/works", NEW_WORK, content_type="application/json",
                        headers=bearer(alice, "read"))  # fmt: skip
    assert response.status_code == 403
    assert not Work.objects.exists()


def test_a_guest_cannot_write(api):
    response = api.post("/api/v1/works", NEW_WORK, content_type="application/json")
    assert response.status_code == 401


def test_missing_fields_get_the_sites_messages_and_nothing_is_saved(api, alice):
    bad = {**NEW_WORK, "fandoms": [], "rating": "Sparkly"}
    response = api.post("/api/v1/works", bad, content_type="application/json",
                        headers=bearer(alice, "write"))  # fmt: skip
    assert response.status_code == 400
    assert "rating" in response.json()["errors"]
    no_fandom = {**NEW_WORK, "fandoms": []}
    response = api.post("/api/v1/works", no_fandom, content_type="application/json",
                        headers=bearer(alice, "write"))  # fmt: skip
    assert response.json()["errors"]["fandoms"] == ["Please fill in at least one fandom."]
    assert not Work.objects.exists()


def test_creators_edit_and_delete_their_work_others_cannot(api, alice, bob):
    work = make_work(alice, "Before The Edit")
    edit = {"title": "After The Edit", "restricted": True}
    refused = api.patch(f"/api/v1/works/{work.pk}", edit, content_type="application/json",
                        headers=bearer(bob, "write"))  # fmt: skip
    assert refused.status_code == 403
    done = api.patch(f"/api/v1/works/{work.pk}", edit, content_type="application/json",
                     headers=bearer(alice, "write"))  # fmt: skip
    assert done.status_code == 200
    assert done.json()["title"] == "After The Edit" and done.json()["restricted"]
    assert done.json()["fandoms"][0]["name"] == "Lanternwick Chronicles"
    assert api.delete(f"/api/v1/works/{work.pk}", headers=bearer(bob, "write")).status_code == 403
    assert api.delete(f"/api/v1/works/{work.pk}", headers=bearer(alice, "write")).status_code == 204
    assert not Work.objects.filter(pk=work.pk).exists()


def test_chapters_are_added_edited_and_reordered(api, alice):
    work = make_work(alice, "Three Bells")
    headers = bearer(alice, "write")
    added = api.post(f"/api/v1/works/{work.pk}/chapters",
                     {"title": "Second Bell", "text": "The second bell rang at noon."},
                     content_type="application/json", headers=headers)  # fmt: skip
    assert added.status_code == 201 and added.json()["position"] == 2
    second = added.json()["id"]
    edited = api.patch(f"/api/v1/works/{work.pk}/chapters/{second}", {"title": "Noon Bell"},
                       content_type="application/json", headers=headers)  # fmt: skip
    assert edited.json()["title"] == "Noon Bell"
    first = work.chapters.get(position=1).pk
    order = api.put(f"/api/v1/works/{work.pk}/chapter-order", {"chapter_ids": [second, first]},
                    content_type="application/json", headers=headers)  # fmt: skip
    assert [c["id"] for c in order.json()] == [second, first]
    short = api.post(f"/api/v1/works/{work.pk}/chapters", {"text": "short"},
                     content_type="application/json", headers=headers)  # fmt: skip
    assert short.status_code == 400 and "text" in short.json()["errors"]
    assert work.chapters.count() == 2


def test_kudos_comment_bookmark_and_subscribe(api, alice, bob):
    work = make_work(alice, "Warm Lamp")
    chapter = work.chapters.get()
    headers = bearer(bob, "write")
    assert api.post(f"/api/v1/works/{work.pk}/kudos", headers=headers).status_code == 201
    again = api.post(f"/api/v1/works/{work.pk}/kudos", headers=headers)
    assert again.status_code == 400 and "already" in again.json()["message"]
    said = api.post(f"/api/v1/works/{work.pk}/chapters/{chapter.pk}/comments",
                    {"body": "Lovely lamplight."}, content_type="application/json",
                    headers=headers)  # fmt: skip
    assert said.status_code == 201
    marked = api.put(f"/api/v1/works/{work.pk}/bookmark", {"notes": "Cosy.", "tags": ["calm"]},
                     content_type="application/json", headers=headers)  # fmt: skip
    assert marked.status_code == 200
    assert api.put(f"/api/v1/works/{work.pk}/subscription", headers=headers).status_code == 200
    assert Kudos.objects.filter(work=work, user=bob).exists()
    assert Comment.objects.filter(work=work, user=bob).exists()
    assert Bookmark.objects.filter(work=work, user=bob).exists()
    assert Subscription.objects.filter(work=work, user=bob).exists()


def test_nobody_writes_to_a_work_they_may_not_see(api, alice, bob):
    draft = make_work(alice, "Secret Draft", posted=False)
    headers = bearer(bob, "write")
    assert api.post(f"/api/v1/works/{draft.pk}/kudos", headers=headers).status_code == 404
    assert api.delete(f"/api/v1/works/{draft.pk}", headers=headers).status_code == 404


def test_session_writes_need_the_csrf_token(alice):
    work = make_work(alice, "Csrf Harbour")
    client = client_for(alice)
    client.handler.enforce_csrf_checks = True
    response = client.delete(f"/api/v1/works/{work.pk}")
    assert response.status_code == 403
    assert Work.objects.filter(pk=work.pk).exists()
