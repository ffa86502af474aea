from django.contrib import admin
from django.contrib.auth.admin import UserAdmin

from ficarchive.accounts.models import Pseud, User


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
