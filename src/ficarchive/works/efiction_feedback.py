"""eFiction's reviews and favourites, once its members and stories are here.

A review becomes a comment on the chapter it was about, by the member's account or, for a
guest (or a member with no account here), as a guest comment under the name they gave; an
author's response becomes their reply. A favourite story or series becomes a bookmark, a
favourite author a subscription to them. ficarchive.community.services.imports saves them
under the community's rules, telling nobody.

Like the stories, nothing records what an earlier run brought in: a comment is recognised
by its work, writer and date, a bookmark or subscription by its owner and target. The
reviews of one story are saved in one transaction, the favourites of one member in another.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from dataclasses import dataclass, field
from datetime import datetime

from django.core.exceptions import ValidationError
from django.db import DatabaseError, transaction

from ficarchive.accounts.models import User
from ficarchive.community.models import Bookmark, Comment, Subscription
from ficarchive.community.services.comments import clean_body
from ficarchive.community.services.imports import (
    import_bookmark,
    import_comment,
    import_subscription,
)
from ficarchive.formats import efiction as ef
from ficarchive.works.efiction import ALREADY, IMPORTED, SKIPPED, Item, _aware, _Importer
from ficarchive.works.models import Chapter, EFictionRecord, Series, Work

ANONYMOUS = "Anonymous"
RESPONSE_LABEL = "Author's response"
FAVORITE_KINDS = {"ST": "story", "SE": "series", "AU": "author"}
REVIEW, FAVORITE = EFictionRecord.Kind.REVIEW, EFictionRecord.Kind.FAVORITE


class _Skip(Exception):
    """Something that can't be brought over, and why, in words for the person migrating."""


@dataclass
class _Review:
    """What one review becomes: who wrote it, where it goes, the text, the date."""

    review: ef.Review
    position: int  # the chapter's position in the work
    uid: int | None  # the member's eFiction id when they have an account here
    guest_name: str
    body: str
    date: datetime | None  # None: eFiction kept none; the work's creation date stands in
    reply: str = ""  # the author's response, as a reply by responder_uid
    responder_uid: int | None = None
    notes: list[str] = field(default_factory=list)


def review_label(review: ef.Review) -> str:
    who = f" by “{review.reviewer}”" if review.reviewer else ""
    return f"review {review.id}{who}"


def favorite_label(favorite: ef.Favorite) -> str:
    kind = FAVORITE_KINDS.get(favorite.type, f"“{favorite.type}”")
    return f"member {favorite.uid}'s favorite {kind} {favorite.item}"


class FeedbackImporter:
    """Runs after the importer placed members and stories: reads what it decided."""

    def __init__(self, importer: _Importer):
        self.importer = importer
        self.archive = importer.archive
        self.report = importer.report
        self.dry_run = importer.dry_run

    # -- grouping

    def review_groups(self) -> dict[int, list[ef.Review]]:
        """Reviews of stories, by story."""
        groups: dict[int, list[ef.Review]] = defaultdict(list)
        for review in self.archive.reviews:
            if review.type == "ST":
                groups[review.item].append(review)
        return groups

    def other_reviews(self) -> None:
        """Reviews of anything but a story have nowhere to go: reported skipped."""
        for review in self.archive.reviews:
            if review.type == "SE":
                self._add_review(review, SKIPPED, "a review of a series: comments here are on "
                                 "works only")  # fmt: skip
            elif review.type != "ST":
                self._add_review(review, SKIPPED, f"a review of a “{review.type}”, which "
                                 "isn't carried over")  # fmt: skip

    def favorite_groups(self) -> dict[int, list[ef.Favorite]]:
        groups: dict[int, list[ef.Favorite]] = defaultdict(list)
        for favorite in self.archive.favorites:
            groups[favorite.uid].append(favorite)
        return groups

    def _add_review(self, review: ef.Review, status: str, detail: str = "", **extra) -> Item:
        return self.report.add("review", review_label(review), status, detail, **extra)

    # -- reviews

    def reviews_of(self, sid: int, reviews: list[ef.Review]) -> None:
        """Bring over one story's reviews, all in one transaction."""
        story = self.archive.stories.get(sid)
        work_id = self.importer._imported.get(sid)
        planned = sid in self.importer.planned_works
        if story is None or (work_id is None and not planned):
            reason = f"story {sid} is not in the archive"
            if story is not None:
                reason = f"its story, {sid}, was not imported (see above)"
            for review in reviews:
                self._add_review(review, SKIPPED, reason)
            return
        work = Work.objects.filter(pk=work_id).first() if work_id else None
        posted = work.posted if work else story.validated
        plans = []
        for review in reviews:
            try:
                plans.append(self._plan(review, story, posted))
            except _Skip as skip:
                self._add_review(review, SKIPPED, str(skip))
        if work is None or self.dry_run:
            already = self._existing_comments(work) if work else Counter()
            for plan in plans:
                status = self._already(plan, work, already) or IMPORTED
                if self._recorded(REVIEW, plan.review.id, sid):
                    status = ALREADY
                reply = bool(plan.reply) and status == IMPORTED
                self._add_review(plan.review, status, notes=plan.notes, reply=reply)
            return
        try:
            with transaction.atomic():
                results = self._save_reviews(work, plans, sid)
        except DatabaseError as error:
            for plan in plans:
                self._add_review(plan.review, SKIPPED, str(error).strip() or "database error")
            return
        for plan, (status, detail, reply) in zip(plans, results, strict=True):
            self._add_review(plan.review, status, detail, notes=plan.notes, reply=reply)

    def _plan(self, review: ef.Review, story: ef.Story, posted: bool) -> _Review:
        """What a review becomes, or _Skip saying why it can't become anything."""
        if not posted:
            raise _Skip("its story is a draft here, and drafts take no comments")
        if review.score_only:
            raise _Skip("only a score, no words: comments here have no scores")
        try:
            body = clean_body(review.text)
        except ValidationError as error:
            raise _Skip(" ".join(error.messages)) from error
        notes = []
        carried = [c for c in story.chapters if c.validated or not story.validated]
        positions = {chapter.chapid: number for number, chapter in enumerate(carried, start=1)}
        position = positions.get(review.chapid, 1)
        if review.chapid and review.chapid not in positions:
            notes.append(f"its chapter ({review.chapid}) was not carried over: on the first "
                         "chapter")  # fmt: skip
        uid: int | None = review.uid if review.uid in self.importer.members else None
        guest_name = ""
        if uid is None:
            member = self.archive.authors.get(review.uid)
            guest_name = review.reviewer or (member.penname if member else "") or ANONYMOUS
            if review.uid > 0:
                notes.append(f"member {review.uid} has no account here: a guest comment")
        date = _aware(review.date) or _aware(story.updated) or _aware(story.published)
        if review.date is None:
            notes.append("eFiction kept no date: dated at the story's last update")
        plan = _Review(review, position, uid, guest_name, body, date, notes=notes)
        if review.response:
            self._plan_reply(plan, story)
        return plan

    def _plan_reply(self, plan: _Review, story: ef.Story) -> None:
        """The author's response becomes their reply; when eFiction can't say who wrote it
        (co-authors could answer too) or they have no account, it stays in the comment as
        eFiction showed it."""
        response = plan.review.response
        if story.uid in self.importer.members and not story.coauthor_ids:
            try:
                plan.reply, plan.responder_uid = clean_body(response), story.uid
            except ValidationError as error:
                plan.notes.append(f"the author's response was left out: {error.messages[0]}")
            return
        why = "its author has no account"
        if story.coauthor_ids:
            why = "eFiction doesn't say which of its creators wrote it"
        try:
            plan.body = clean_body(f"{plan.body}<p><i>{RESPONSE_LABEL}: {response}</i></p>")
        except ValidationError as error:
            plan.notes.append(f"the author's response was left out: {error.messages[0]}")
            return
        plan.notes.append(f"the author's response stays in the comment: {why}")

    def _existing_comments(self, work: Work) -> Counter:
        rows = Comment.objects.filter(work=work, parent__isnull=True)
        return Counter(rows.values_list("user_id", "guest_name", "created_at"))

    def _key(self, plan: _Review, work: Work) -> tuple:
        user_id = self.importer.pseuds[plan.uid].user_id if plan.uid is not None else None
        return (user_id, plan.guest_name.strip()[:100], plan.date or work.created_at)

    def _already(self, plan: _Review, work: Work | None, existing: Counter) -> str:
        """ALREADY when an earlier run made this comment (counted off, so two alike reviews
        need two comments), else ""."""
        if work is None or (plan.uid is not None and plan.uid not in self.importer.pseuds):
            return ""
        key = self._key(plan, work)
        if existing[key] > 0:
            existing[key] -= 1
            return ALREADY
        return ""

    def _recorded(self, kind: str, source_id: object, sid: int | None) -> bool:
        """Brought over by an earlier run (and perhaps deleted since), unless its story's
        work was made in this run: then it comes with the work."""
        return sid not in self.importer.fresh and self.importer.recorded(kind, source_id)

    def _save_reviews(
        self, work: Work, plans: list[_Review], sid: int
    ) -> list[tuple[str, str, bool]]:
        chapters = {c.position: c for c in Chapter.objects.filter(work=work).order_by("position")}
        existing = self._existing_comments(work)
        results = []
        for plan in plans:
            if self._recorded(REVIEW, plan.review.id, sid):  # even if deleted here since
                results.append((ALREADY, "", False))
                continue
            already = self._already(plan, work, existing)
            if already:
                self.importer.record(REVIEW, plan.review.id)  # made before records were kept
                results.append((already, "", False))
                continue
            chapter = chapters.get(plan.position) or chapters[min(chapters)]
            user = self._user(plan.uid)
            try:
                with transaction.atomic():
                    comment = import_comment(
                        chapter, plan.body, plan.date or work.created_at, user=user,
                        guest_name=plan.guest_name,
                    )  # fmt: skip
                    if plan.reply:
                        responder = self._user(plan.responder_uid)
                        import_comment(chapter, plan.reply, comment.created_at, user=responder,
                                       parent=comment)  # fmt: skip
                    self.importer.record(REVIEW, plan.review.id)
            except ValidationError as error:
                results.append((SKIPPED, " ".join(error.messages), False))
                continue
            results.append((IMPORTED, f"comment {comment.pk}", bool(plan.reply)))
        return results

    def _user(self, uid: int | None) -> User | None:
        return self.importer.pseuds[uid].user if uid is not None else None

    # -- favourites

    def favorites_of(self, uid: int, favorites: list[ef.Favorite]) -> None:
        """Bring over one member's favourites, all in one transaction."""
        if uid not in self.importer.members:
            reason = f"member {uid} has no account here"
            for favorite in favorites:
                self.report.add("favorite", favorite_label(favorite), SKIPPED, reason)
            return
        results = []
        try:
            with transaction.atomic():
                results = [self._favorite(uid, favorite) for favorite in favorites]
        except DatabaseError as error:
            results = [(SKIPPED, str(error).strip() or "database error", "", [])] * len(favorites)
        for favorite, (status, detail, into, notes) in zip(favorites, results, strict=True):
            self.report.add("favorite", favorite_label(favorite), status, detail, notes=notes,
                            into=into)  # fmt: skip

    def _favorite(self, uid: int, favorite: ef.Favorite) -> tuple[str, str, str, list[str]]:
        """(status, detail, what it became, notes) for one favourite."""
        key = f"{uid}:{favorite.type}:{favorite.item}"
        into = "subscription" if favorite.type == "AU" else "bookmark"
        story = favorite.item if favorite.type == "ST" else None
        if self._recorded(FAVORITE, key, story):  # even if deleted here since
            return ALREADY, "", into, []
        try:
            if favorite.type in ("ST", "SE"):
                result = self._bookmark(uid, favorite)
            elif favorite.type == "AU":
                result = self._subscription(uid, favorite)
            else:
                raise _Skip(
                    f"eFiction favorites of type “{favorite.type}” have no counterpart here"
                )
        except _Skip as skip:
            return SKIPPED, str(skip), "", []
        self.importer.record(FAVORITE, key)
        return result

    def _bookmark(self, uid: int, favorite: ef.Favorite) -> tuple[str, str, str, list[str]]:
        target = self._target(favorite)
        if target is None:  # a dry run, and the work or series is not here yet
            story = self.archive.stories.get(favorite.item) if favorite.type == "ST" else None
            if story and not story.validated and uid not in (story.uid, *story.coauthor_ids):
                raise _Skip("they can't see the work here (a draft, or hidden)")
            return IMPORTED, "", "bookmark", []
        user = self.importer.pseuds[uid].user if uid in self.importer.pseuds else None
        if user is None:  # a dry run, and the member's account is not made yet
            return IMPORTED, "", "bookmark", []
        if self.dry_run:
            field = "work" if isinstance(target, Work) else "series"
            if Bookmark.objects.filter(user=user, **{field: target}).exists():
                return ALREADY, "", "bookmark", []
            return IMPORTED, "", "bookmark", []
        try:
            with transaction.atomic():
                bookmark, created = import_bookmark(user, target, favorite.comments)
        except ValidationError as error:
            raise _Skip(" ".join(error.messages)) from error
        return (IMPORTED if created else ALREADY), f"bookmark {bookmark.pk}", "bookmark", []

    def _target(self, favorite: ef.Favorite) -> Work | Series | None:
        """The work or series a favourite points at; None in a dry run when it is still to
        be made; _Skip when it isn't here at all."""
        importer = self.importer
        if favorite.type == "ST":
            if favorite.item not in self.archive.stories:
                raise _Skip(f"story {favorite.item} is not in the archive")
            work_id = importer._imported.get(favorite.item)
            if work_id is None and favorite.item not in importer.planned_works:
                raise _Skip(f"story {favorite.item} was not imported (see above)")
            return Work.objects.filter(pk=work_id).first() if work_id else None
        series = self.archive.series.get(favorite.item)
        if series is None:
            raise _Skip(f"series {favorite.item} is not in the archive")
        found = importer._find_series(series)
        if found is None and series.seriesid not in importer._planned_series:
            raise _Skip(f"series {favorite.item} was not carried over (none of its stories were)")
        return found

    def _subscription(self, uid: int, favorite: ef.Favorite) -> tuple[str, str, str, list[str]]:
        if favorite.item == uid:
            raise _Skip("a member's favorite of themselves: nobody subscribes to themselves")
        if favorite.item not in self.importer.members:
            raise _Skip(f"member {favorite.item} has no account here")
        notes = ["their note on it was not kept: subscriptions have no notes"]
        notes = notes if favorite.comments else []
        pseuds = self.importer.pseuds
        if uid not in pseuds or favorite.item not in pseuds:  # a dry run, accounts still to come
            return IMPORTED, "", "subscription", notes
        user, creator = pseuds[uid].user, pseuds[favorite.item].user
        if self.dry_run:
            exists = Subscription.objects.filter(user=user, creator=creator).exists()
            return (ALREADY if exists else IMPORTED), "", "subscription", notes
        try:
            with transaction.atomic():
                _, created = import_subscription(user, creator)
        except ValidationError as error:
            raise _Skip(" ".join(error.messages)) from error
        detail = f"subscription to {creator.username}"
        return (IMPORTED if created else ALREADY), detail, "subscription", notes
