"""Forms for comments, bookmarks, blocking and community preferences."""

from __future__ import annotations

from django import forms
from django.core.exceptions import ValidationError

from ficarchive.accounts.models import User
from ficarchive.community.models import COMMENT_MAX, Preferences
from ficarchive.community.services.bookmarks import BookmarkInput, parse_tags
from ficarchive.community.services.comments import CommentInput
from ficarchive.spam import HoneypotForm
from ficarchive.works.models import NOTES_MAX


class PseudChoice(forms.ModelChoiceField):
    def label_from_instance(self, obj) -> str:
        return obj.name


def _pseud_field(form: forms.Form, user, initial=None) -> None:
    """A pseud menu for members with more than one pseud; otherwise their default is used.
    Not required: a form posted without it (the inbox's quick reply) uses the default too."""
    if user.is_authenticated and user.pseuds.count() > 1:
        form.fields["pseud"] = PseudChoice(
            queryset=user.pseuds.all(),
            initial=initial or user.default_pseud,
            empty_label=None,
            required=False,
            label="Comment as" if isinstance(form, CommentForm) else "Bookmark as",
        )


class CommentForm(HoneypotForm):
    body = forms.CharField(
        label="Comment",
        widget=forms.Textarea(attrs={"rows": 6}),
        error_messages={"required": "Please write something in your comment."},
        help_text=f"Plain text or HTML, up to {COMMENT_MAX:,} characters.",
    )
    guest_name = forms.CharField(label="Guest name", max_length=100, required=False)
    guest_email = forms.EmailField(
        label="Guest e-mail",
        required=False,
        help_text="Not shown to anyone; the creator can't see it either.",
        error_messages={"invalid": "Please enter a valid e-mail address."},
    )

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.user = user
        if user.is_authenticated:
            del self.fields["guest_name"], self.fields["guest_email"]
        else:
            self.fields["guest_name"].required = True
            self.fields["guest_email"].required = True
            self.fields["guest_name"].error_messages["required"] = "Please enter your name."
            self.fields["guest_email"].error_messages["required"] = (
                "Please enter your e-mail address."
            )
        _pseud_field(self, user)

    def clean_body(self) -> str:
        body = self.cleaned_data["body"]
        if len(body) > COMMENT_MAX:
            raise ValidationError(
                f"Comments can be at most {COMMENT_MAX:,} characters long; yours has {len(body):,}."
            )
        return body

    def comment_input(self) -> CommentInput:
        data = self.cleaned_data
        return CommentInput(
            body=data["body"],
            guest_name=data.get("guest_name", ""),
            guest_email=data.get("guest_email", ""),
            pseud=data.get("pseud"),
        )


class EditCommentForm(forms.Form):
    body = CommentForm.base_fields["body"]


class BookmarkForm(forms.Form):
    notes = forms.CharField(
        required=False,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=f"Plain text or HTML, up to {NOTES_MAX:,} characters.",
    )
    tags = forms.CharField(
        label="Your tags", required=False, help_text="Separated by commas; only for you to sort by."
    )
    rec = forms.BooleanField(label="Rec (recommend it to others)", required=False)
    private = forms.BooleanField(label="Private bookmark (only you can see it)", required=False)

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        _pseud_field(self, user)

    def clean_notes(self) -> str:
        notes = self.cleaned_data["notes"]
        if len(notes) > NOTES_MAX:
            raise ValidationError(f"Bookmark notes can be at most {NOTES_MAX:,} characters long.")
        return notes

    def clean_tags(self) -> list[str]:
        return parse_tags(self.cleaned_data["tags"])

    def bookmark_input(self) -> BookmarkInput:
        data = self.cleaned_data
        return BookmarkInput(
            notes=data["notes"],
            tags=data["tags"],
            private=data["private"],
            rec=data["rec"],
            pseud=data.get("pseud"),
        )


class BookmarkFilterForm(forms.Form):
    tag = forms.CharField(required=False, label="Your tag")
    kind = forms.ChoiceField(
        required=False,
        label="Type",
        choices=[("", "Works and series"), ("work", "Works"), ("series", "Series")],
    )
    rec = forms.BooleanField(required=False, label="Recs only")
    q = forms.CharField(required=False, label="Title or notes contain")


class PreferencesForm(forms.ModelForm):
    class Meta:
        model = Preferences
        fields = ["comment_emails", "keep_history", "digest"]


class BlockForm(forms.Form):
    username = forms.CharField(label="Block a user", max_length=40)

    def clean_username(self) -> User:
        name = self.cleaned_data["username"].strip()
        user = User.objects.filter(username__iexact=name, is_active=True).first()
        if user is None:
            raise ValidationError(f"There is no user named “{name}”.")
        return user


class ReportForm(forms.Form):
    reason = forms.CharField(
        label="What's wrong?",
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 5}),
        error_messages={
            "required": "Please tell us what the problem is.",
            "max_length": "Please keep your report under 2,000 characters.",
        },
    )


class ResolveForm(forms.Form):
    action = forms.ChoiceField(choices=[], widget=forms.RadioSelect)
    days = forms.IntegerField(
        required=False, min_value=1, max_value=3650, label="Days (for a suspension)"
    )
    note = forms.CharField(
        required=False,
        label="Note (sent to the person in a warning or suspension)",
        widget=forms.Textarea(attrs={"rows": 3}),
        max_length=2000,
    )

    def __init__(self, *args, **kwargs):
        from ficarchive.community.services.moderation import ACTIONS

        super().__init__(*args, **kwargs)
        self.fields["action"].choices = list(ACTIONS.items())

    def clean(self):
        data = super().clean()
        if data.get("action") == "suspend" and not data.get("days"):
            self.add_error("days", "Please say for how many days.")
        return data
