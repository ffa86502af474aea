"""Feedback for the demo archive: kudos, comment threads, bookmarks and hit counts, so the
demo's work pages show what readers do. Deterministic for a seed, like the works."""

from __future__ import annotations

import random

from django.contrib.auth import get_user_model
from django.db.models import F

from ficarchive.community.models import Bookmark, BookmarkTag, Comment, Kudos
from ficarchive.community.services.counts import recount
from ficarchive.works.models import Work

COMMENTS = [
    "I loved the quiet moments in this chapter.",
    "The ending made me smile. Thank you for sharing it!",
    "Your descriptions of the harbour at dawn are lovely.",
    "I can't wait to see what happens next.",
    "This was exactly the gentle story I needed today.",
    "The dialogue felt so natural; I could hear their voices.",
]
REPLIES = [
    "Thank you so much for reading!",
    "I'm so glad it made you smile.",
    "More is coming soon, I promise.",
]
BOOKMARK_TAGS = ["comfort read", "reread", "favourite", "slow and lovely", "to recommend"]


def add_feedback(work_ids: list[int], seed: int) -> None:
    """Kudos, comments, bookmarks and hits on the demo's posted works."""
    rng = random.Random(seed)
    readers = list(get_user_model().objects.filter(is_staff=False).order_by("username"))
    works = Work.objects.filter(pk__in=work_ids, posted=True).order_by("pk")
    for work in works:
        creators = {pseud.user_id for pseud in work.creator_pseuds}
        others = [user for user in readers if user.pk not in creators]
        fans = rng.sample(others, k=rng.randint(0, len(others)))
        Kudos.objects.bulk_create([Kudos(work=work, user=user) for user in fans])
        guests = 0 if work.restricted else rng.randint(0, 4)  # guests can't see those
        Kudos.objects.bulk_create(
            [Kudos(work=work, ip_hash=f"demo-guest-{work.pk}-{n}") for n in range(guests)]
        )
        if rng.random() < 0.4:
            _thread(rng, work, rng.choice(others), creators)
        for user in fans[: rng.randint(0, 2)]:
            mark = Bookmark.objects.create(
                user=user, work=work, pseud=user.default_pseud, rec=rng.random() < 0.3
            )
            names = rng.sample(BOOKMARK_TAGS, k=rng.randint(0, 2))
            BookmarkTag.objects.bulk_create([BookmarkTag(bookmark=mark, name=n) for n in names])
        hits = (len(fans) + guests) * rng.randint(3, 12) + rng.randint(0, 40)
        Work.objects.filter(pk=work.pk).update(hits=F("hits") + hits)
    recount(work_ids)


def _thread(rng: random.Random, work: Work, reader, creators: set[int]) -> None:
    chapter = work.chapters.order_by("position").first()
    comment = Comment.objects.create(
        work=work,
        chapter=chapter,
        user=reader,
        pseud=reader.default_pseud,
        body=f"<p>{rng.choice(COMMENTS)}</p>",
    )
    if creators and rng.random() < 0.6:
        creator = work.creator_pseuds[0]
        Comment.objects.create(
            work=work,
            chapter=chapter,
            parent=comment,
            thread=comment,
            depth=1,
            user=creator.user,
            pseud=creator,
            body=f"<p>{rng.choice(REPLIES)}</p>",
        )
