"""Reports to staff and what staff do about them: hide, delete, warn, suspend, ban.

Suspended users can still read; they can't post, comment or leave kudos until the date
passes. Banned accounts can no longer log in.
"""

from __future__ import annotations

from datetime import timedelta

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.mail import EmailMessage
from django.db import transaction
from django.utils import timezone
from django.utils.formats import date_format

from ficarchive.community.models import (
    Comment,
    InboxItem,
    Report,
    ReportStatus,
    Sanction,
    SanctionKind,
)
from ficarchive.community.models.tracking import InboxKind
from ficarchive.community.services.orphaning import ORPHAN_LOGIN
from ficarchive.works import services as work_services
from ficarchive.works.models import Work

SUSPENSION_MAX_DAYS = 3650


def posting_refusal(user) -> str | None:
    """Why `user` may not post, comment or give kudos right now, or None."""
    if user is None or not user.is_authenticated:
        return None
    sanction = Sanction.objects.filter(user=user).in_force().order_by("-until").first()
    if sanction is None:
        return None
    if sanction.kind == SanctionKind.BAN:
        return "Your account has been banned."
    until = date_format(timezone.localtime(sanction.until), "j F Y, H:i")
    return (
        f"Your account is suspended until {until}: you can read, "
        "but not post, comment or leave kudos."
    )


def file_report(reporter, reason: str, *, work=None, comment=None, user=None) -> Report:
    reason = reason.strip()
    if not reason:
        raise ValidationError("Please tell us what the problem is.")
    if len(reason) > 2000:
        raise ValidationError("Please keep your report under 2,000 characters.")
    return Report.objects.create(
        reporter=reporter, reason=reason, work=work, comment=comment, reported_user=user
    )


def people_behind(report: Report) -> list:
    """The accounts a warning, suspension or ban applies to. Never orphan_account: it holds
    every orphaned work, so sanctioning it would punish nobody and block everyone."""
    if report.comment_id:
        people = [report.comment.user] if report.comment.user_id else []
    elif report.work_id:
        people = [pseud.user for pseud in report.work.creator_pseuds]
    else:
        people = [report.reported_user] if report.reported_user_id else []
    return [person for person in people if person.username != ORPHAN_LOGIN]


def _tell(user, text: str) -> None:
    InboxItem.objects.create(user=user, kind=InboxKind.NOTICE, text=text, url="/account/inbox/")
    EmailMessage(
        subject=f"[{settings.ARCHIVE_NAME}] A message from the archive's staff",
        body=f"{text}\n",
        to=[user.email],
    ).send()


def sanction(user, staff, kind: str, reason: str, days: int | None = None) -> Sanction:
    until = None
    if kind == SanctionKind.SUSPENSION:
        if not days or not 1 <= days <= SUSPENSION_MAX_DAYS:
            raise ValidationError(
                f"A suspension needs a number of days from 1 to {SUSPENSION_MAX_DAYS}."
            )
        until = timezone.now() + timedelta(days=days)
    record = Sanction.objects.create(user=user, kind=kind, reason=reason, until=until, staff=staff)
    if kind == SanctionKind.BAN:
        user.is_active = False
        user.save(update_fields=["is_active"])
    elif kind == SanctionKind.SUSPENSION:
        _tell(user, f"Your account is suspended for {days} days. {reason}".strip())
    else:
        _tell(user, f"A warning from the archive's staff: {reason}".strip())
    return record


ACTIONS = {
    "dismiss": "Close without action",
    "hide": "Hide the work",
    "delete": "Delete the comment",
    "warn": "Warn the person responsible",
    "suspend": "Suspend them for some days",
    "ban": "Ban them",
}


@transaction.atomic
def resolve(report: Report, staff, action: str, note: str = "", days: int | None = None) -> str:
    """Do what staff chose and close the report; returns what was done, in words."""
    if not staff.is_staff:
        raise PermissionDenied("Only staff can act on reports.")
    if report.status != ReportStatus.OPEN:
        raise ValidationError("This report is already resolved.")
    if action not in ACTIONS:
        raise ValidationError("Please choose an action.")
    done = ACTIONS[action]
    if action == "hide":
        if not report.work_id:
            raise ValidationError("Only a reported work can be hidden.")
        work_services.set_hidden(Work.objects.filter(pk=report.work_id), True)
    elif action == "delete":
        if not report.comment_id:
            raise ValidationError("Only a reported comment can be deleted.")
        from ficarchive.community.services.comments import delete_comment

        delete_comment(Comment.objects.get(pk=report.comment_id), staff)
        if not Comment.objects.filter(pk=report.comment_id).exists():
            report.comment = None  # deleted outright: the report keeps its reason only
    elif action in ("warn", "suspend", "ban"):
        people = people_behind(report)
        if not people:
            raise ValidationError("There is no account behind this report to act on.")
        kind = {"warn": "warning", "suspend": "suspension", "ban": "ban"}[action]
        for person in people:
            sanction(person, staff, kind, note, days)
    report.status = ReportStatus.RESOLVED
    report.resolution = f"{done}. {note}".strip()
    report.resolved_by = staff
    report.resolved_at = timezone.now()
    report.save()
    return done
