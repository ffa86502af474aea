from django.contrib import admin
from django.contrib.auth.admin import UserAdmin

from ficarchive.accounts.models import Invitation, InvitationRequest, Pseud, User


class PseudInline(admin.TabularInline):
    model = Pseud
    extra = 0


@admin.register(User)
class ArchiveUserAdmin(UserAdmin):
    inlines = [PseudInline]
    fieldsets = [
        *UserAdmin.fieldsets,
        ("Preferences", {"fields": ["skip_adult_gate", "view_full_works"]}),
    ]
    # Every account needs its own e-mail address (for password resets), also one staff add.
    add_fieldsets = [
        (None, {"fields": ["username", "email", "usable_password", "password1", "password2"]})
    ]


@admin.register(InvitationRequest)
class InvitationRequestAdmin(admin.ModelAdmin):
    """The queue, first come first; staff send invitations from /staff/invitations/."""

    list_display = ["email", "created_at", "invitation"]
    list_filter = [("invitation", admin.EmptyFieldListFilter)]
    search_fields = ["email"]
    readonly_fields = ["created_at", "invitation"]


@admin.register(Invitation)
class InvitationAdmin(admin.ModelAdmin):
    """Sent invitations. Their tokens are only in the e-mails, so they can't be read here."""

    list_display = ["email", "created_at", "expires_at", "used_at", "used_by", "invited_by"]
    search_fields = ["email", "used_by__username"]
    exclude = ["digest"]
    readonly_fields = ["email", "created_at", "used_at", "used_by", "invited_by"]

    def has_add_permission(self, request) -> bool:
        return False  # a new invitation needs its e-mail: /staff/invitations/ sends it
