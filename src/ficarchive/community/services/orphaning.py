"""Orphaning: a creator hands a work to the archive's `orphan_account` for good."""

from __future__ import annotations

from django.contrib.auth import get_user_model
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction

from ficarchive.accounts.models import Pseud
from ficarchive.community.models import Preferences
from ficarchive.community.models.tracking import NEWS_KINDS, InboxItem
from ficarchive.search.tasks import reindex_works
from ficarchive.works.models import Creatorship, Work

ORPHAN_LOGIN = "orphan_account"
NOT_DRAFTS = "Drafts can't be orphaned: post the work first, or delete the draft."


def orphan_account():
    """The account orphaned works belong to; nobody can log in to it, and nobody reads its
    mail, so it asks for no comment e-mails or digests (they would only bounce)."""
    User = get_user_model()
    user = User.objects.filter(username=ORPHAN_LOGIN).first()
    if user is None:
        user = User(username=ORPHAN_LOGIN, email="orphan_account@invalid.example")
        user.set_unusable_password()
        user.save()
    Preferences.objects.update_or_create(
        user=user, defaults={"comment_emails": False, "digest": False}
    )
    return user


@transaction.atomic
def orphan_work(work: Work, user, *, keep_pseud: bool) -> None:
    """Replace `user`'s pseuds on the work with orphan_account's, under the same pseud name
    when `keep_pseud`, else under "orphan_account". Co-creators stay. Cannot be undone."""
    if not work.posted:
        raise ValidationError(NOT_DRAFTS)
    ships = list(work.creatorships.filter(pseud__user=user).select_related("pseud"))
    if not ships:
        raise PermissionDenied("Only the work's creators can orphan it.")
    orphan = orphan_account()
    old_byline = _byline(work)
    for ship in ships:
        pseud = orphan.default_pseud
        if keep_pseud:
            pseud = orphan.pseuds.filter(name__iexact=ship.pseud.name).first() or (
                Pseud.objects.create(user=orphan, name=ship.pseud.name)
            )
        if not work.creatorships.filter(pseud=pseud).exists():
            Creatorship.objects.create(work=work, pseud=pseud, approved=ship.approved)
        ship.delete()
    _rewrite_news(work, old_byline, _byline(work))
    reindex_works.enqueue([work.pk])


def _byline(work: Work) -> str:
    ships = work.creatorships.filter(approved=True).select_related("pseud__user")
    return ", ".join(ship.pseud.byline for ship in ships)


def _rewrite_news(work: Work, old_byline: str, new_byline: str) -> None:
    """Inbox news of the work ("alice posted a new work: …") was written with the old
    byline; readers keep it, but it must not name the creator who left."""
    if not old_byline or old_byline == new_byline:
        return
    items = InboxItem.objects.filter(work=work, kind__in=NEWS_KINDS, text__startswith=old_byline)
    for item in items:  # news begins with the byline; a title naming someone stays as it is
        item.text = new_byline + item.text[len(old_byline) :]
        item.save(update_fields=["text"])
