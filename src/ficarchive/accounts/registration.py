"""Who may create an account: the registration mode, the invitation queue and invitations.

settings.REGISTRATION is "open" (anyone signs up), "invite" (visitors join a queue; staff
send single-use sign-up links from it, like AO3) or "closed" (no sign-ups; staff make
accounts in /admin/). The rules live here; the views only ask and render.
"""

from __future__ import annotations

import hashlib
import secrets
from dataclasses import dataclass
from datetime import timedelta

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.mail import send_mail
from django.db import IntegrityError, transaction
from django.db.models import QuerySet
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone

from ficarchive.accounts.models import Invitation, InvitationRequest, User

OPEN, INVITE, CLOSED = "open", "invite", "closed"
SEND_AT_ONCE_MAX = 500  # one click or cron run; more can be sent in the next

ALREADY_QUEUED = "That e-mail address is already in the queue, at position {position}."
ALREADY_MEMBER = "An account with that e-mail address already exists. Try logging in."
ALREADY_INVITED = "An invitation was already sent to that address; please check your e-mail."
NO_SUCH_INVITATION = "This invitation link isn't valid. Please check that you copied all of it."
USED_INVITATION = "This invitation has already been used to create an account."
EXPIRED_INVITATION = "This invitation has expired. Please ask for a new one."


def mode() -> str:
    """The registration mode now (read on every request, so tests and admins can change it)."""
    return settings.REGISTRATION


def _digest(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def _has_account(email: str) -> bool:
    return User.objects.filter(email__iexact=email).exists()


# -- the queue ------------------------------------------------------------------------------


def waiting() -> QuerySet[InvitationRequest]:
    """Queue entries still waiting for an invitation, first come first."""
    return InvitationRequest.objects.filter(invitation__isnull=True).order_by("id")


def position(entry: InvitationRequest) -> int:
    """1 for the next address to be invited."""
    return waiting().filter(id__lt=entry.id).count() + 1


@transaction.atomic
def join_queue(email: str) -> InvitationRequest:
    """Add an address to the queue, or refuse in words the visitor can act on."""
    email = email.strip()
    if _has_account(email):
        raise ValidationError(ALREADY_MEMBER, code="member")
    existing = InvitationRequest.objects.filter(email__iexact=email).first()
    if existing is not None and _invitation_lapsed(existing):
        existing.delete()  # their link expired unused: back in the queue, at the end
    elif existing is not None:
        raise _queued_refusal(existing)
    try:
        with transaction.atomic():
            return InvitationRequest.objects.create(email=email)
    except IntegrityError:  # the same address, sent twice at once
        raise _queued_refusal(InvitationRequest.objects.get(email__iexact=email)) from None


def _invitation_lapsed(entry: InvitationRequest) -> bool:
    invitation = entry.invitation
    return (
        invitation is not None
        and invitation.used_at is None
        and invitation.expires_at <= timezone.now()
    )


def _queued_refusal(entry: InvitationRequest) -> ValidationError:
    if entry.invitation_id:
        return ValidationError(ALREADY_INVITED, code="invited")
    return ValidationError(ALREADY_QUEUED.format(position=position(entry)), code="queued")


@dataclass
class QueueStatus:
    """What the "check my place" page says about one address."""

    position: int | None = None  # waiting at this place
    invited_at: object = None  # or invited then
    member: bool = False


def queue_status(email: str) -> QueueStatus | None:
    """Where an address stands; None if it isn't in the queue at all."""
    entry = InvitationRequest.objects.filter(email__iexact=email.strip()).first()
    if entry is None:
        return QueueStatus(member=True) if _has_account(email.strip()) else None
    if entry.invitation_id:
        return QueueStatus(invited_at=entry.invitation.created_at)
    return QueueStatus(position=position(entry))


# -- invitations ----------------------------------------------------------------------------


def signup_url(token: str) -> str:
    return settings.SITE_URL + reverse("signup_invited", args=[token])


def _email_invitation(invitation: Invitation, token: str) -> None:
    context = {
        "ARCHIVE_NAME": settings.ARCHIVE_NAME,
        "url": signup_url(token),
        "days": settings.INVITATION_DAYS,
        "expires_at": invitation.expires_at,
    }
    send_mail(
        f"Your invitation to {settings.ARCHIVE_NAME}",
        render_to_string("accounts/invitation_email.txt", context),
        None,
        [invitation.email],
    )


def _new_invitation(email: str, invited_by: User | None) -> tuple[Invitation, str]:
    token = secrets.token_urlsafe(32)
    invitation = Invitation.objects.create(
        email=email,
        digest=_digest(token),
        invited_by=invited_by,
        expires_at=timezone.now() + timedelta(days=settings.INVITATION_DAYS),
    )
    return invitation, token


def invite(email: str, invited_by: User | None = None) -> Invitation:
    """Staff invite one address directly (it skips the queue, and leaves it if it was in it)."""
    email = email.strip()
    if _has_account(email):
        raise ValidationError(ALREADY_MEMBER, code="member")
    with transaction.atomic():
        invitation, token = _new_invitation(email, invited_by)
        InvitationRequest.objects.filter(email__iexact=email, invitation__isnull=True).update(
            invitation=invitation
        )
        transaction.on_commit(lambda: _email_invitation(invitation, token))
    return invitation


def send_invitations(count: int, invited_by: User | None = None) -> list[Invitation]:
    """Invite the first `count` addresses waiting in the queue. Each entry is claimed with a
    conditional update, so two staff (or staff and cron) at once never invite one twice."""
    if count < 1 or count > SEND_AT_ONCE_MAX:
        raise ValidationError(f"Send between 1 and {SEND_AT_ONCE_MAX} invitations at a time.")
    sent = []
    for entry in list(waiting()[:count]):
        if _has_account(entry.email):  # signed up another way since: no invitation needed
            entry.delete()
            continue
        invitation = _invite_entry(entry, invited_by)
        if invitation is not None:
            sent.append(invitation)
    return sent


@transaction.atomic
def _invite_entry(entry: InvitationRequest, invited_by: User | None) -> Invitation | None:
    """The entry's invitation, or None (and nothing saved) if someone else just sent it."""
    invitation, token = _new_invitation(entry.email, invited_by)
    claimed = InvitationRequest.objects.filter(pk=entry.pk, invitation__isnull=True).update(
        invitation=invitation
    )
    if not claimed:
        transaction.set_rollback(True)
        return None
    transaction.on_commit(lambda: _email_invitation(invitation, token))
    return invitation


def invitation_for(token: str) -> Invitation:
    """The usable invitation behind a sign-up link, or a refusal saying what is wrong."""
    invitation = Invitation.objects.filter(digest=_digest(token)).first()
    if invitation is None:
        raise ValidationError(NO_SUCH_INVITATION, code="unknown")
    if invitation.used_at is not None:
        raise ValidationError(USED_INVITATION, code="used")
    if invitation.expires_at <= timezone.now():
        raise ValidationError(EXPIRED_INVITATION, code="expired")
    return invitation


def use_invitation(invitation: Invitation, user: User) -> None:
    """Mark the invitation used by `user`; call inside the transaction that creates the
    user. Only one sign-up can win the conditional update; the other is refused and its
    transaction (with its new user) rolls back."""
    used = Invitation.objects.filter(
        pk=invitation.pk, used_at__isnull=True, expires_at__gt=timezone.now()
    ).update(used_at=timezone.now(), used_by=user)
    if not used:
        invitation.refresh_from_db()
        if invitation.used_at is not None:
            raise ValidationError(USED_INVITATION, code="used")
        raise ValidationError(EXPIRED_INVITATION, code="expired")


@transaction.atomic
def sign_up(form, invitation: Invitation | None) -> User:
    """Create the account from a valid sign-up form; with an invitation, use it up in the
    same transaction, so a refused invitation leaves no account behind."""
    user = form.save()
    if invitation is not None:
        use_invitation(invitation, user)
    return user
