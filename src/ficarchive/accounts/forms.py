"""Log-in, sign-up, pseud and preference forms."""

from __future__ import annotations

from django import forms
from django.contrib.admin.forms import AdminAuthenticationForm
from django.contrib.auth.forms import AuthenticationForm, UserCreationForm
from django.core.exceptions import ValidationError

from ficarchive.accounts.login_throttle import check_login_allowed, record_failed_login
from ficarchive.accounts.models import Pseud, User
from ficarchive.accounts.registration import SEND_AT_ONCE_MAX
from ficarchive.spam import HoneypotForm


class ThrottledLogin:
    """Checks the login throttle before the password, and counts every wrong one."""

    def clean(self):
        username = self.data.get("username", "")
        check_login_allowed(self.request, username)
        try:
            return super().clean()
        except ValidationError as error:
            if getattr(error, "code", None) == "invalid_login":
                record_failed_login(self.request, username)
            raise


class LoginForm(ThrottledLogin, AuthenticationForm):
    pass


class AdminLoginForm(ThrottledLogin, AdminAuthenticationForm):
    pass


class SignupForm(HoneypotForm, UserCreationForm):
    class Meta:
        model = User
        fields = ["username", "email"]
        labels = {"username": "User name"}
        help_texts = {"username": "3 to 40 letters, numbers or underscores."}
        widgets = {
            "username": forms.TextInput(attrs={"autocomplete": "username"}),
            "email": forms.EmailInput(attrs={"autocomplete": "email"}),
        }
        error_messages = {
            "email": {"unique": "An account with that e-mail address already exists."},
        }

    def clean_username(self):
        username = self.cleaned_data["username"]
        if User.objects.filter(username__iexact=username).exists():
            raise forms.ValidationError("That user name is already taken.")
        return username

    def clean_email(self):
        email = self.cleaned_data["email"]
        if User.objects.filter(email__iexact=email).exists():
            raise forms.ValidationError("An account with that e-mail address already exists.")
        return email


class PseudForm(forms.ModelForm):
    class Meta:
        model = Pseud
        fields = ["name", "description"]
        labels = {"name": "Pseud name"}
        help_texts = {"name": "1 to 40 letters, numbers, spaces, underscores or hyphens."}
        widgets = {"description": forms.Textarea(attrs={"rows": 3})}
        error_messages = {
            "name": {
                "required": "Please enter a name for the pseud.",
                "max_length": "Pseud names must be at most 40 characters long.",
            },
            "description": {"max_length": "The description must be at most 500 characters."},
        }

    def __init__(self, *args, user: User, **kwargs):
        super().__init__(*args, **kwargs)
        self.user = user
        self.fields["description"].max_length = 500

    def clean_name(self):
        name = " ".join(self.cleaned_data["name"].split())
        clash = self.user.pseuds.filter(name__iexact=name).exclude(pk=self.instance.pk)
        if clash.exists():
            raise forms.ValidationError("You already have a pseud with that name.")
        return name


class PreferencesForm(forms.ModelForm):
    class Meta:
        model = User
        fields = ["skip_adult_gate", "view_full_works"]


class MuteForm(forms.Form):
    """Tags (comma-separated names) and/or one user to mute."""

    tags = forms.CharField(
        required=False, label="Mute tags", help_text="Existing tags, separated by commas."
    )
    username = forms.CharField(required=False, label="Mute a user", max_length=40)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["tags"].widget.attrs["data-tag-type"] = ""

    def clean_tags(self):
        from ficarchive.tags.forms import find_tags

        return find_tags(self.cleaned_data["tags"])

    def clean_username(self):
        name = self.cleaned_data["username"].strip()
        if not name:
            return None
        user = User.objects.filter(username__iexact=name, is_active=True).first()
        if user is None:
            raise forms.ValidationError(f"There is no user named “{name}”.")
        return user


class InvitationRequestForm(HoneypotForm):
    email = forms.EmailField(
        label="E-mail address",
        widget=forms.EmailInput(attrs={"autocomplete": "email"}),
        error_messages={
            "required": "Please enter your e-mail address.",
            "invalid": "Please enter a valid e-mail address.",
        },
    )


class QueueStatusForm(forms.Form):
    email = forms.EmailField(
        label="E-mail address",
        error_messages={
            "required": "Please enter the e-mail address you joined with.",
            "invalid": "Please enter a valid e-mail address.",
        },
    )


class SendInvitationsForm(forms.Form):
    count = forms.IntegerField(
        label="How many to invite",
        min_value=1,
        max_value=SEND_AT_ONCE_MAX,
        initial=10,
        error_messages={
            "required": "Please say how many to invite.",
            "min_value": "Send at least 1 invitation.",
            "max_value": f"Send at most {SEND_AT_ONCE_MAX} invitations at a time.",
        },
    )


class InviteAddressForm(forms.Form):
    email = forms.EmailField(
        label="Invite this address",
        error_messages={
            "required": "Please enter an e-mail address.",
            "invalid": "Please enter a valid e-mail address.",
        },
    )
