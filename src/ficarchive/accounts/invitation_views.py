"""The invitation queue (registration mode "invite"): visitors join it and check their
place; staff send invitations from it or invite an address directly."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.admin.views.decorators import staff_member_required
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.http import urlencode

from ficarchive import spam
from ficarchive.accounts import registration
from ficarchive.accounts.forms import (
    InvitationRequestForm,
    InviteAddressForm,
    QueueStatusForm,
    SendInvitationsForm,
)
from ficarchive.accounts.models import Invitation


def _not_inviting(request: HttpRequest) -> HttpResponse:
    """Outside invite mode the queue is closed: open archives send people to sign up."""
    if registration.mode() == registration.OPEN:
        return redirect("signup")
    context = {"mode": registration.mode(), "problem": ""}
    return render(request, "accounts/signup_unavailable.html", context, status=403)


def join_queue(request: HttpRequest) -> HttpResponse:
    if registration.mode() != registration.INVITE:
        return _not_inviting(request)
    if request.user.is_authenticated:
        return redirect("dashboard")
    form = InvitationRequestForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            spam.check_invite_request_rate(request)
            entry = registration.join_queue(form.cleaned_data["email"])
        except ValidationError as error:
            form.add_error(None, error)
        else:
            position = registration.position(entry)
            messages.success(
                request,
                f"You've joined the queue at position {position:,}. We'll e-mail you an "
                "invitation when it's your turn.",
            )
            return redirect(f"{reverse('join_status')}?{urlencode({'email': entry.email})}")
    context = {"form": form, "waiting": registration.waiting().count()}
    return render(request, "accounts/join.html", context)


def queue_status(request: HttpRequest) -> HttpResponse:
    """Where an address stands in the queue (?email=), as the visitor last heard it."""
    if registration.mode() != registration.INVITE:
        return _not_inviting(request)
    form = QueueStatusForm(request.GET if "email" in request.GET else None)
    status = None
    if form.is_valid():
        status = registration.queue_status(form.cleaned_data["email"])
    context = {"form": form, "status": status, "asked": form.is_bound and form.is_valid()}
    return render(request, "accounts/join_status.html", context)


@staff_member_required
def staff_invitations(request: HttpRequest) -> HttpResponse:
    """Staff send the next invitations from the queue, or invite one address."""
    send_form = SendInvitationsForm(request.POST if "send" in request.POST else None)
    invite_form = InviteAddressForm(request.POST if "invite" in request.POST else None)
    if request.method == "POST" and registration.mode() == registration.INVITE:
        if send_form.is_valid():
            sent = registration.send_invitations(send_form.cleaned_data["count"], request.user)
            messages.success(request, _sent_message(len(sent)))
            return redirect("staff_invitations")
        if invite_form.is_valid():
            try:
                invitation = registration.invite(invite_form.cleaned_data["email"], request.user)
            except ValidationError as error:
                invite_form.add_error(None, error)
            else:
                messages.success(request, f"Invitation sent to {invitation.email}.")
                return redirect("staff_invitations")
    context = {
        "inviting": registration.mode() == registration.INVITE,
        "mode": registration.mode(),
        "send_form": send_form,
        "invite_form": invite_form,
        "waiting": registration.waiting().count(),
        "next_up": registration.waiting()[:20],
        "recent": Invitation.objects.select_related("used_by", "invited_by")[:20],
        "now": timezone.now(),
    }
    return render(request, "accounts/staff_invitations.html", context)


def _sent_message(count: int) -> str:
    if count == 0:
        return "Nobody is waiting in the queue, so no invitations were sent."
    return f"Sent {count:,} invitation{'s' if count != 1 else ''}."
