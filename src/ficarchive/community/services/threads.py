"""Threads as a reader sees them: built from one query per page, five levels deep."""

from __future__ import annotations

from dataclasses import dataclass, field

from ficarchive.community.models import SHOWN_DEPTH, Comment
from ficarchive.community.services.rules import can_moderate


@dataclass
class Node:
    comment: Comment
    replies: list[Node] = field(default_factory=list)
    more: bool = False  # deeper replies exist, on the comment's own page
    placeholder: str = ""  # shown instead of the text: deleted, hidden, awaiting approval


def _shown(comment: Comment, viewer, moderator: bool) -> tuple[bool, str]:
    """(show at all, placeholder instead of the text)."""
    mine = comment.is_author(viewer)
    if not comment.approved and not (moderator or mine):
        return False, ""
    if comment.deleted:
        return True, "(Previous comment deleted.)"
    if comment.hidden and not (moderator or mine):
        return True, "(This comment has been hidden by the work's creator.)"
    return True, ""


def build(roots: list[Comment], viewer, work) -> list[Node]:
    """Trees under `roots`, SHOWN_DEPTH levels each, for `viewer`: comments by users they
    muted vanish with their replies; unapproved ones show only to their writer and the
    work's moderators."""
    if not roots:
        return []
    moderator = can_moderate(work, viewer)
    _, muted = viewer.muted_ids() if viewer.is_authenticated else ([], [])
    muted = set(muted)
    limit = {root.pk: root.depth + SHOWN_DEPTH for root in roots}
    threads = {root.thread_id_or_own for root in roots}
    deepest = max(limit.values())
    below = (
        Comment.objects.filter(thread_id__in=threads, depth__lte=deepest)
        .select_related("user", "pseud__user", "chapter")
        .order_by("created_at", "id")
    )
    children: dict[int, list[Comment]] = {}
    for comment in below:
        children.setdefault(comment.parent_id, []).append(comment)

    def node(comment: Comment, last_depth: int) -> Node | None:
        if comment.user_id in muted:
            return None
        show, placeholder = _shown(comment, viewer, moderator)
        if not show:
            return None
        result = Node(comment, placeholder=placeholder)
        kids = children.get(comment.pk, [])
        if comment.depth + 1 > last_depth:
            result.more = bool(kids)
            return result
        result.replies = [n for n in (node(kid, last_depth) for kid in kids) if n]
        return result

    built = (node(root, limit[root.pk] - 1) for root in roots)
    return [n for n in built if n]
