"""Kudos and comments."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_POST

from ficarchive import spam
from ficarchive.community.forms import CommentForm, EditCommentForm
from ficarchive.community.models import Comment
from ficarchive.community.services import comments, kudos, threads
from ficarchive.community.services.rules import can_moderate
from ficarchive.community.views import back, message_of
from ficarchive.works.views import reader_view, work_for_reader


@require_POST
@reader_view
def leave_kudos(request: HttpRequest, work_id: int) -> HttpResponse:
    work = work_for_reader(request, work_id)
    try:
        kudos.give_kudos(request, work)
    except ValidationError as error:
        messages.error(request, message_of(error))
    else:
        messages.success(request, "Thank you for leaving kudos!")
    return back(request, work)


def _comment_for_reader(request: HttpRequest, comment_id: int) -> Comment:
    """The comment, if its work is one the visitor may see and the comment is shown to them."""
    comment = get_object_or_404(
        Comment.objects.select_related("chapter", "pseud__user", "user"), pk=comment_id
    )
    comment.work = work_for_reader(request, comment.work_id)
    shown = threads.build([comment], request.user, comment.work)
    if not shown:
        raise Http404("No comment here, or you may not see it.")
    # A hidden or deleted comment's text stays out of every page that quotes it.
    comment.placeholder = shown[0].placeholder
    return comment


def _save_comment(request, form, chapter, parent=None):
    """A posted comment, or None with the refusal added to the form."""
    if not form.is_valid():
        return None
    try:
        spam.check_comment_rate(request)
        return comments.post_comment(chapter, request.user, form.comment_input(), parent)
    except ValidationError as error:
        form.add_error(None, error)
        return None


def _posted_message(request, comment: Comment) -> None:
    if comment.approved:
        messages.success(request, "Comment created!")
    else:
        messages.success(
            request,
            "Your comment was received; it will appear once the work's creator approves it.",
        )


@require_POST
@reader_view
def comment_new(request: HttpRequest, work_id: int, chapter_id: int) -> HttpResponse:
    work = work_for_reader(request, work_id)
    chapter = get_object_or_404(work.chapters, pk=chapter_id)
    form = CommentForm(request.POST, user=request.user)
    comment = _save_comment(request, form, chapter)
    if comment is None:
        context = {"form": form, "work": work, "chapter": chapter}
        return render(request, "community/comment_form.html", context, status=400)
    _posted_message(request, comment)
    return redirect(f"{chapter.get_absolute_url()}#comment_{comment.pk}")


@reader_view
def comment_show(request: HttpRequest, comment_id: int) -> HttpResponse:
    """A comment with five levels of replies under it: where deep threads continue."""
    comment = _comment_for_reader(request, comment_id)
    work = comment.work
    context = {
        "work": work,
        "comment": comment,
        "threads": threads.build([comment], request.user, work),
        "moderator": can_moderate(work, request.user),
    }
    return render(request, "community/comment_show.html", context)


@reader_view
def comment_reply(request: HttpRequest, comment_id: int) -> HttpResponse:
    parent = _comment_for_reader(request, comment_id)
    form = CommentForm(request.POST or None, user=request.user)
    if request.method == "POST":
        reply = _save_comment(request, form, parent.chapter, parent)
        if reply is not None:
            _posted_message(request, reply)
            return back(request, f"{reply.get_absolute_url()}")
    context = {"form": form, "work": parent.work, "chapter": parent.chapter, "parent": parent}
    return render(request, "community/comment_form.html", context)


@login_required
@reader_view
def comment_edit(request: HttpRequest, comment_id: int) -> HttpResponse:
    comment = _comment_for_reader(request, comment_id)
    if not comment.is_author(request.user) or comment.deleted:
        messages.error(request, "Only the person who wrote a comment can edit it.")
        return redirect(comment)
    form = EditCommentForm(request.POST or None, initial={"body": comment.body})
    if request.method == "POST" and form.is_valid():
        try:
            comments.edit_comment(comment, request.user, form.cleaned_data["body"])
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(request, "Comment was successfully updated.")
            return redirect(comment)
    return render(request, "community/comment_edit.html", {"form": form, "comment": comment})


@login_required
@reader_view
def comment_delete(request: HttpRequest, comment_id: int) -> HttpResponse:
    comment = _comment_for_reader(request, comment_id)
    if not (comment.is_author(request.user) or can_moderate(comment.work, request.user)):
        messages.error(request, "You can't delete this comment.")
        return redirect(comment)
    if request.method == "POST":
        chapter_url = comment.chapter.get_absolute_url()
        comments.delete_comment(comment, request.user)
        messages.success(request, "Comment deleted.")
        return back(request, chapter_url)
    return render(request, "community/comment_delete.html", {"comment": comment})


MODERATION = {
    "freeze": (comments.set_frozen, True, "Comment thread frozen."),
    "unfreeze": (comments.set_frozen, False, "Comment thread unfrozen."),
    "hide": (comments.set_hidden, True, "Comment hidden."),
    "unhide": (comments.set_hidden, False, "Comment is visible again."),
}


@login_required
@require_POST
@reader_view
def comment_moderate(request: HttpRequest, comment_id: int, action: str) -> HttpResponse:
    """Freeze, hide or approve: the work's creators and staff look after its comments."""
    comment = _comment_for_reader(request, comment_id)
    if not can_moderate(comment.work, request.user):
        messages.error(request, "Only the work's creators and staff can do that.")
    elif action == "approve":
        comments.approve(comment, request.user)
        messages.success(request, "Comment approved.")
    elif action in MODERATION:
        change, value, text = MODERATION[action]
        change(comment, request.user, value)
        messages.success(request, text)
    else:
        raise Http404("No such action.")
    return back(request, comment)


@login_required
@require_POST
@reader_view
def work_moderation(request: HttpRequest, work_id: int) -> HttpResponse:
    work = work_for_reader(request, work_id)
    if not work.is_creator(request.user):
        messages.error(request, "Only the work's creators can change this.")
        return redirect(work)
    moderated = request.POST.get("moderate") == "on"
    comments.set_moderation(work, request.user, moderated)
    messages.success(
        request,
        "New comments will wait for your approval."
        if moderated
        else "New comments appear without waiting for approval.",
    )
    return redirect(work)
