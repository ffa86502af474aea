"""Staff views of community records in /admin/; day-to-day moderation is the report queue."""

from __future__ import annotations

from django.contrib import admin

from ficarchive.community.models import Block, Bookmark, Comment, Report, Sanction
from ficarchive.formats.sanitize import sanitize_html


@admin.register(Comment)
class CommentAdmin(admin.ModelAdmin):
    list_display = [
        "id",
        "work",
        "user",
        "guest_name",
        "approved",
        "hidden",
        "deleted",
        "created_at",
    ]
    list_filter = ["approved", "hidden", "deleted", "frozen"]
    raw_id_fields = ["work", "chapter", "parent", "thread", "user", "pseud"]
    search_fields = ["body", "guest_name", "user__username"]

    def save_model(self, request, obj, form, change) -> None:
        obj.body = sanitize_html(obj.body)  # shown as HTML, so cleaned however it is saved
        super().save_model(request, obj, form, change)


@admin.register(Bookmark)
class BookmarkAdmin(admin.ModelAdmin):
    list_display = ["id", "user", "work", "series", "private", "rec", "updated_at"]
    raw_id_fields = ["user", "pseud", "work", "series"]

    def save_model(self, request, obj, form, change) -> None:
        obj.notes = sanitize_html(obj.notes) if obj.notes.strip() else ""
        super().save_model(request, obj, form, change)


@admin.register(Report)
class ReportAdmin(admin.ModelAdmin):
    list_display = ["id", "reporter", "status", "created_at", "resolved_at"]
    list_filter = ["status"]
    raw_id_fields = ["reporter", "work", "comment", "reported_user", "resolved_by"]


@admin.register(Sanction)
class SanctionAdmin(admin.ModelAdmin):
    list_display = ["id", "user", "kind", "until", "staff", "created_at"]
    list_filter = ["kind"]
    raw_id_fields = ["user", "staff"]


@admin.register(Block)
class BlockAdmin(admin.ModelAdmin):
    list_display = ["id", "blocker", "blocked", "created_at"]
    raw_id_fields = ["blocker", "blocked"]
