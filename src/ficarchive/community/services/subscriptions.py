"""Subscriptions and their deliveries: new chapters, new works, new saved-search matches.

A delivery reaches a subscriber only if Work.objects.visible_to lets them see the work:
a restricted, hidden or muted work, or a draft, never lands in an inbox.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar

from django.conf import settings
from django.core import signing
from django.core.exceptions import ValidationError
from django.core.mail import EmailMessage
from django.db import transaction
from django.db.models import Q
from django.http import QueryDict
from django.urls import Resolver404, resolve
from django.utils import timezone

from ficarchive.accounts.models import Pseud, User
from ficarchive.community.models import InboxItem, Preferences, SavedSearchDelivery, Subscription
from ficarchive.community.models.tracking import InboxKind
from ficarchive.search.models import SavedSearch
from ficarchive.works.models import Chapter, Series, Work

UNSUBSCRIBE_SALT = "ficarchive.community.unsubscribe"
SEARCH_ITEMS_PER_RUN = 50


def subscribe(user: User, target: Work | Series | User) -> Subscription:
    if isinstance(target, User) and target.pk == user.pk:
        raise ValidationError("You can't subscribe to yourself.")
    field = {Work: "work", Series: "series", User: "creator"}[type(target)]
    subscription, _ = Subscription.objects.get_or_create(user=user, **{field: target})
    return subscription


def unsubscribe_token(subscription: Subscription) -> str:
    return signing.dumps(subscription.pk, salt=UNSUBSCRIBE_SALT)


def subscription_from_token(token: str) -> Subscription | None:
    try:
        pk = signing.loads(token, salt=UNSUBSCRIBE_SALT)
    except signing.BadSignature:
        return None
    return Subscription.objects.filter(pk=pk).first()


def mark_visible(subs: list[Subscription], viewer) -> list[Subscription]:
    """Give each subscription `.visible`: whether `viewer` may see its work or series now.
    A work hidden or restricted since keeps its subscription (so it can be cancelled), but
    its title is not shown to someone who may not see it."""
    work_ids = {sub.work_id for sub in subs if sub.work_id}
    series_ids = {sub.series_id for sub in subs if sub.series_id}
    works = Work.objects.visible_to(viewer, muted=True).filter(pk__in=work_ids)
    series = Series.objects.visible_to(viewer).filter(pk__in=series_ids)
    seen_works = set(works.values_list("pk", flat=True)) if work_ids else set()
    seen_series = set(series.values_list("pk", flat=True)) if series_ids else set()
    for sub in subs:
        sub.visible = bool(
            sub.creator_id or sub.work_id in seen_works or sub.series_id in seen_series
        )
    return subs


def _can_see(user: User, work: Work) -> bool:
    return Work.objects.visible_to(user).filter(pk=work.pk).exists()


def _deliver(subscriptions, work: Work, kind: str, text: str, url: str) -> int:
    """One inbox item per subscriber who may see `work` (creators excepted), each tied to
    the subscription that brought it, so a digest can offer a one-click unsubscribe."""
    by_user = {}
    for subscription in subscriptions.order_by("created_at", "id"):
        by_user.setdefault(subscription.user_id, subscription)
    creators = {pseud.user_id for pseud in work.creator_pseuds}
    people = User.objects.filter(pk__in=set(by_user) - creators, is_active=True)
    items = [
        InboxItem(
            user=user, kind=kind, work=work, text=text, url=url, subscription=by_user[user.pk]
        )
        for user in people
        if _can_see(user, work)
    ]
    InboxItem.objects.bulk_create(items)
    return len(items)


def _byline(work: Work) -> str:
    return ", ".join(pseud.byline for pseud in work.creator_pseuds) or "Anonymous"


def deliver_new_chapter(chapter_id: int) -> int:
    """Subscribers of the work hear of a new chapter."""
    chapter = Chapter.objects.select_related("work").filter(pk=chapter_id).first()
    if chapter is None or not chapter.work.posted:
        return 0
    work = chapter.work
    subscribers = Subscription.objects.filter(work=work)
    text = f"{_byline(work)} posted {chapter.heading} of {work.title}."
    return _deliver(subscribers, work, InboxKind.CHAPTER, text, chapter.get_absolute_url())


def deliver_new_work(work_id: int) -> int:
    """Subscribers of its creators and of its series hear of a newly posted work."""
    work = Work.objects.filter(pk=work_id, posted=True).first()
    if work is None:
        return 0
    creator_ids = [pseud.user_id for pseud in work.creator_pseuds]
    series_ids = work.series_memberships.values_list("series_id", flat=True)
    subscribers = Subscription.objects.filter(
        Q(creator_id__in=creator_ids) | Q(series_id__in=series_ids)
    )
    text = f"{_byline(work)} posted a new work: {work.title}."
    return _deliver(subscribers, work, InboxKind.WORK, text, work.get_absolute_url())


_held: ContextVar[bool] = ContextVar("deliveries_held", default=False)


@contextmanager
def deliveries_held() -> Iterator[None]:
    """Works brought in from another archive are old news: within this block, posting
    them tells no subscriber."""
    token = _held.set(True)
    try:
        yield
    finally:
        _held.reset(token)


def published(work: Work, chapter: Chapter | None = None) -> None:
    """Called by the works services once a work or a chapter is out: queue the deliveries
    for after the transaction commits (the creators and series are saved by then)."""
    from ficarchive.community import tasks

    if _held.get():
        return
    if chapter is None:
        transaction.on_commit(lambda: tasks.deliver_new_work.enqueue(work.pk))
    else:
        transaction.on_commit(lambda: tasks.deliver_new_chapter.enqueue(chapter.pk))


# -- saved searches -------------------------------------------------------------------------


def _listing_works(saved: SavedSearch):
    """The works of the listing the search was saved from, as its owner may see them."""
    from ficarchive.tags.models import Tag, tag_key
    from ficarchive.tags.views import works_in_tag

    user = saved.user
    works = Work.objects.visible_to(user)
    try:
        match = resolve(saved.path)
    except Resolver404:
        return works.none()
    kwargs = match.kwargs
    if match.url_name == "tag_works":
        tag = Tag.objects.filter(key=tag_key(kwargs["name"])).first()
        return works_in_tag(tag, user) if tag else works.none()
    if match.url_name == "user_works":
        return works.filter(creatorships__pseud__user__username__iexact=kwargs["username"])
    if match.url_name == "pseud":
        pseud = Pseud.objects.filter(
            user__username__iexact=kwargs["username"], name__iexact=kwargs["pseud_name"]
        ).first()
        return works.by_pseud(pseud) if pseud else works.none()
    if match.url_name == "series":
        return works.filter(series_memberships__series_id=kwargs["series_id"])
    return works


def matching_works(saved: SavedSearch):
    from ficarchive.search.filters import FilterForm, apply

    form = FilterForm(QueryDict(saved.query))
    form.is_valid()
    return apply(_listing_works(saved), form.filters("updated"))


def deliver_saved_searches() -> int:
    """Tell subscribers of saved searches about works that matched since the last run."""
    now = timezone.now()
    delivered = 0
    for saved in SavedSearch.objects.filter(subscribed=True).select_related("user"):
        progress, _ = SavedSearchDelivery.objects.get_or_create(
            search=saved, defaults={"delivered_until": saved.created_at}
        )
        told = InboxItem.objects.filter(user=saved.user, kind=InboxKind.SEARCH).values("work_id")
        new = (
            matching_works(saved)
            .filter(revised_at__gt=progress.delivered_until, revised_at__lte=now)
            .exclude(pk__in=told)
            .order_by("revised_at", "id")[:SEARCH_ITEMS_PER_RUN]
        )
        items = [
            InboxItem(
                user=saved.user,
                kind=InboxKind.SEARCH,
                work=work,
                text=f"New in your saved search “{saved.name}”: {work.title}.",
                url=work.get_absolute_url(),
            )
            for work in Work.objects.filter(pk__in=[w.pk for w in new])
        ]
        InboxItem.objects.bulk_create(items)
        progress.delivered_until = now
        progress.save(update_fields=["delivered_until"])
        delivered += len(items)
    return delivered


# -- the daily digest -----------------------------------------------------------------------


def _digest_line(item: InboxItem) -> str:
    line = f"- {item.text}\n  {settings.SITE_URL}{item.url}"
    if item.subscription_id:
        token = unsubscribe_token(item.subscription)
        line += f"\n  Unsubscribe in one click: {settings.SITE_URL}/unsubscribe/{token}/"
    return line


DIGEST_KINDS = [InboxKind.CHAPTER, InboxKind.WORK, InboxKind.SEARCH]


def send_digests() -> int:
    """One e-mail per user who asked for a digest, listing what arrived since the last one."""
    sent = 0
    for prefs in Preferences.objects.filter(digest=True, user__is_active=True).select_related(
        "user"
    ):
        user = prefs.user
        pending = InboxItem.objects.filter(user=user, kind__in=DIGEST_KINDS, digested=False)
        items = list(
            pending.visible_to(user).select_related("subscription").order_by("created_at", "id")
        )
        if items:
            lines = [_digest_line(item) for item in items]
            EmailMessage(
                subject=f"[{settings.ARCHIVE_NAME}] Your subscriptions: {len(items)} new",
                body="What's new since your last digest:\n\n"
                + "\n".join(lines)
                + f"\n\nManage or cancel subscriptions: {settings.SITE_URL}/account/subscriptions/"
                + f"\nStop these e-mails: {settings.SITE_URL}/account/community/\n",
                to=[user.email],
            ).send()
            sent += 1
        pending.update(digested=True)
    return sent
