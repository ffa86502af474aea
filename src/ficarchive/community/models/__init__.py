"""The community's records: feedback on works, what readers keep track of, and boundaries.

Every QuerySet here that shows works delegates to Work.objects.visible_to, the one rule.
"""

from ficarchive.community.models.boundaries import (
    BLOCK_LIMIT,
    Block,
    Report,
    ReportStatus,
    Sanction,
    SanctionKind,
)
from ficarchive.community.models.feedback import (
    COMMENT_MAX,
    SHOWN_DEPTH,
    Comment,
    HitDay,
    Kudos,
    WorkSettings,
)
from ficarchive.community.models.tracking import (
    Bookmark,
    BookmarkTag,
    InboxItem,
    Preferences,
    Reading,
    SavedSearchDelivery,
    Subscription,
)

__all__ = [
    "BLOCK_LIMIT",
    "COMMENT_MAX",
    "SHOWN_DEPTH",
    "Block",
    "Bookmark",
    "BookmarkTag",
    "Comment",
    "HitDay",
    "InboxItem",
    "Kudos",
    "Preferences",
    "Reading",
    "Report",
    "ReportStatus",
    "Sanction",
    "SanctionKind",
    "SavedSearchDelivery",
    "Subscription",
    "WorkSettings",
]
