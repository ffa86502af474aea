"""Who may leave kudos and comments, from the side of every kind of visitor."""

from __future__ import annotations

import pytest

from ficarchive.community.models import Comment, Kudos
from ficarchive.community.services import blocking, moderation
from ficarchive.works.models import CommentPermission, Work
from tests.conftest import client_for, make_user, make_work

VISITORS = ["guest", "reader", "creator", "staff", "blocked", "suspended"]


@pytest.fixture
def people(alice, bob, staff):
    blocked = make_user("blocked_reader")
    suspended = make_user("suspended_reader")
    blocking.block(alice, blocked)
    moderation.sanction(suspended, staff, "suspension", "Cooling off.", days=3)
    return {
        "guest": None,
        "reader": bob,
        "creator": alice,
        "staff": staff,
        "blocked": blocked,
        "suspended": suspended,
    }


def comment(client, work):
    chapter = work.chapters.first()
    data = {"body": "A kind word.", "guest_name": "Wren", "guest_email": "wren@example.com"}
    client.post(f"/works/{work.pk}/chapters/{chapter.pk}/comments/", data)
    return Comment.objects.filter(work=work).exists()


def kudos(client, work):
    client.post(f"/works/{work.pk}/kudos/", REMOTE_ADDR="198.51.100.3")
    return Kudos.objects.filter(work=work).exists()


KUDOS = {"guest": True, "reader": True, "creator": False, "staff": True}
KUDOS |= {"blocked": False, "suspended": False}


@pytest.mark.parametrize("visitor", VISITORS)
def test_kudos_on_a_public_work(people, alice, visitor):
    work = make_work(alice)
    assert kudos(client_for(people[visitor]), work) is KUDOS[visitor]


@pytest.mark.parametrize("visitor", VISITORS)
def test_kudos_on_a_restricted_work(people, alice, visitor):
    work = make_work(alice, restricted=True)
    assert kudos(client_for(people[visitor]), work) is (KUDOS[visitor] and visitor != "guest")


COMMENTS = {
    CommentPermission.EVERYONE: {"guest", "reader", "creator", "staff"},
    CommentPermission.REGISTERED: {"reader", "creator", "staff"},
    CommentPermission.NOBODY: set(),
}


@pytest.mark.parametrize("permission", list(COMMENTS))
@pytest.mark.parametrize("visitor", VISITORS)
def test_comments_by_permission(people, alice, visitor, permission):
    work = make_work(alice)
    Work.objects.filter(pk=work.pk).update(comment_permission=permission)
    assert comment(client_for(people[visitor]), work) is (visitor in COMMENTS[permission])
