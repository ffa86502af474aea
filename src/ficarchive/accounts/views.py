"""Sign-up, profiles, pseuds and preferences."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth import login
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.db import transaction
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.http import url_has_allowed_host_and_scheme

from ficarchive import spam
from ficarchive.accounts import muting, registration
from ficarchive.accounts.forms import MuteForm, PreferencesForm, PseudForm, SignupForm
from ficarchive.accounts.models import Pseud, User
from ficarchive.pagination import paginate
from ficarchive.search.listing import works_listing
from ficarchive.search.tasks import reindex_works
from ficarchive.works.models import Creatorship, Series, Work


def signup(request: HttpRequest, token: str | None = None) -> HttpResponse:
    """Open: anyone signs up. Invite: only with an invitation link. Closed: nobody."""
    if request.user.is_authenticated:
        return redirect("dashboard")
    current = registration.mode()
    if current == registration.OPEN and token is not None:
        return redirect("signup")  # an old invitation link: no invitation needed now
    invitation = None
    if current == registration.INVITE and token is not None:
        try:
            invitation = registration.invitation_for(token)
        except ValidationError as error:
            return _no_signup(request, " ".join(error.messages))
    elif current != registration.OPEN:
        return _no_signup(request)
    initial = {"email": invitation.email} if invitation else None
    form = SignupForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            spam.check_signup_rate(request)
            user = registration.sign_up(form, invitation)
        except ValidationError as error:
            form.add_error(None, error)
        else:
            login(request, user)
            messages.success(request, f"Welcome, {user.username}! Your account is ready.")
            return redirect("dashboard")
    return render(request, "accounts/signup.html", {"form": form, "invitation": invitation})


def _no_signup(request: HttpRequest, problem: str = "") -> HttpResponse:
    """Why this visitor can't sign up here, and what they can do instead (403)."""
    context = {"mode": registration.mode(), "problem": problem}
    return render(request, "accounts/signup_unavailable.html", context, status=403)


def user_profile(request: HttpRequest, username: str) -> HttpResponse:
    owner = get_object_or_404(User, username__iexact=username, is_active=True)
    works = Work.objects.visible_to(request.user).by_user(owner).for_listing()
    series = Series.objects.visible_to(request.user).filter(creators__user=owner).distinct()
    return render(
        request,
        "accounts/profile.html",
        {
            "owner": owner,
            "pseuds": owner.pseuds.all(),
            "works": works[:5],
            "work_count": works.count(),
            "series_list": series,
        },
    )


def user_works(request: HttpRequest, username: str) -> HttpResponse:
    owner = get_object_or_404(User, username__iexact=username, is_active=True)
    works = Work.objects.visible_to(request.user).by_user(owner)
    return works_listing(request, works, heading=f"Works by {owner.username}", owner=owner)


def user_series(request: HttpRequest, username: str) -> HttpResponse:
    owner = get_object_or_404(User, username__iexact=username, is_active=True)
    series = Series.objects.visible_to(request.user).filter(creators__user=owner).distinct()
    return render(
        request, "accounts/series_list.html", {"owner": owner, "page": paginate(request, series)}
    )


def pseud_works(request: HttpRequest, username: str, pseud_name: str) -> HttpResponse:
    pseud = get_object_or_404(
        Pseud, user__username__iexact=username, user__is_active=True, name__iexact=pseud_name
    )
    works = Work.objects.visible_to(request.user).by_pseud(pseud)
    return works_listing(
        request, works, heading=f"Works by {pseud.byline}", pseud=pseud, owner=pseud.user
    )


@login_required
def dashboard(request: HttpRequest) -> HttpResponse:
    """The signed-in user's own page: drafts, invitations and links to manage things."""
    user = request.user
    invitations = Creatorship.objects.filter(pseud__user=user, approved=False).select_related(
        "work", "pseud"
    )
    drafts = Work.objects.by_user(user).drafts().for_listing()
    return render(
        request, "accounts/dashboard.html", {"invitations": invitations, "drafts": drafts}
    )


@login_required
def pseud_list(request: HttpRequest) -> HttpResponse:
    return render(request, "accounts/pseuds.html", {"pseuds": request.user.pseuds.all()})


@login_required
def pseud_edit(request: HttpRequest, pseud_id: int | None = None) -> HttpResponse:
    pseud = (
        get_object_or_404(request.user.pseuds, pk=pseud_id)
        if pseud_id
        else Pseud(user=request.user)
    )
    form = PseudForm(request.POST or None, instance=pseud, user=request.user)
    if request.method == "POST" and form.is_valid():
        form.save()
        # Bylines are searchable: the pseud's works have a new name to find them by.
        work_ids = list(pseud.creatorships.values_list("work_id", flat=True))
        if work_ids:
            reindex_works.enqueue(work_ids)
        messages.success(request, "Pseud was successfully saved.")
        return redirect("pseuds")
    return render(request, "accounts/pseud_form.html", {"form": form, "pseud": pseud})


@login_required
def pseud_delete(request: HttpRequest, pseud_id: int) -> HttpResponse:
    pseud = get_object_or_404(request.user.pseuds, pk=pseud_id)
    if pseud.is_default:
        messages.error(request, "You can't delete your default pseud.")
        return redirect("pseuds")
    if request.method == "POST":
        move_works_to_default(pseud)
        messages.success(
            request, f"Pseud {pseud.name} was deleted; its works now show your default pseud."
        )
        return redirect("pseuds")
    return render(request, "accounts/pseud_delete.html", {"pseud": pseud})


@transaction.atomic
def move_works_to_default(pseud: Pseud) -> None:
    """Delete a pseud without losing its works: they are credited to the default pseud."""
    default = pseud.user.default_pseud
    for ship in pseud.creatorships.all():
        if not Creatorship.objects.filter(work_id=ship.work_id, pseud=default).exists():
            Creatorship.objects.create(work_id=ship.work_id, pseud=default, approved=ship.approved)
    for series in pseud.series.all():
        series.creators.add(default)
    work_ids = list(pseud.creatorships.values_list("work_id", flat=True))
    pseud.delete()
    if work_ids:
        reindex_works.enqueue(work_ids)


@login_required
def preferences(request: HttpRequest) -> HttpResponse:
    form = PreferencesForm(request.POST or None, instance=request.user)
    if request.method == "POST" and form.is_valid():
        form.save()
        messages.success(request, "Your preferences were successfully updated.")
        return redirect("preferences")
    return render(request, "accounts/preferences.html", {"form": form})


@login_required
def muted(request: HttpRequest) -> HttpResponse:
    """The reader's blocklist: add tags or users, or take them off."""
    user = request.user
    form = MuteForm(request.POST if "mute" in request.POST else None)
    if request.method == "POST":
        if "unmute_tag" in request.POST:
            muting.unmute_tag(user, int(request.POST["unmute_tag"]))
            messages.success(request, "The tag is no longer muted.")
            return redirect("muted")
        if "unmute_user" in request.POST:
            muting.unmute_user(user, int(request.POST["unmute_user"]))
            messages.success(request, "The user is no longer muted.")
            return redirect("muted")
        if form.is_valid():
            try:
                if form.cleaned_data["tags"]:
                    muting.mute_tags(user, form.cleaned_data["tags"])
                if form.cleaned_data["username"]:
                    muting.mute_user(user, form.cleaned_data["username"])
            except ValidationError as error:
                form.add_error(None, error)
            else:
                messages.success(request, "Muted. Their works no longer show in your listings.")
                next_url = request.POST.get("next", "")
                if url_has_allowed_host_and_scheme(next_url, {request.get_host()}):
                    return redirect(next_url)
                return redirect("muted")
    context = {
        "form": form,
        "tags": user.muted_tags.select_related("tag").order_by("tag__name"),
        "users": user.muted_users.select_related("muted").order_by("muted__username"),
    }
    return render(request, "accounts/muted.html", context)
