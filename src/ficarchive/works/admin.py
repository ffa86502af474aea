"""Staff tools: Django's admin, with one-click hiding of works."""

from __future__ import annotations

from django.contrib import admin

from ficarchive.works import services
from ficarchive.works.models import (
    Chapter,
    Creatorship,
    EFictionRecord,
    Series,
    SeriesWork,
    Work,
)


class ChapterInline(admin.StackedInline):
    model = Chapter
    extra = 0
    fields = ["position", "title", "word_count", "published_on"]
    readonly_fields = ["word_count"]


class CreatorshipInline(admin.TabularInline):
    model = Creatorship
    extra = 0
    raw_id_fields = ["pseud"]


@admin.register(Work)
class WorkAdmin(admin.ModelAdmin):
    list_display = ["title", "posted", "restricted", "hidden_by_admin", "word_count", "revised_at"]
    list_filter = ["posted", "restricted", "hidden_by_admin", "language"]
    search_fields = ["title", "creatorships__pseud__name"]
    raw_id_fields = ["tags"]
    readonly_fields = ["word_count", "chapter_count", "created_at", "updated_at"]
    inlines = [CreatorshipInline, ChapterInline]
    actions = ["hide", "unhide"]

    def save_model(self, request, obj, form, change) -> None:
        services.clean_html_fields(obj)  # staff text is sanitised like anyone's
        super().save_model(request, obj, form, change)

    @admin.action(description="Hide selected works from everyone but their creators and staff")
    def hide(self, request, queryset) -> None:
        self.message_user(request, f"{services.set_hidden(queryset, True)} works hidden.")

    @admin.action(description="Make selected works visible again")
    def unhide(self, request, queryset) -> None:
        self.message_user(request, f"{services.set_hidden(queryset, False)} works unhidden.")


class SeriesWorkInline(admin.TabularInline):
    model = SeriesWork
    extra = 0
    raw_id_fields = ["work"]


@admin.register(Series)
class SeriesAdmin(admin.ModelAdmin):
    list_display = ["title", "complete", "created_at"]
    search_fields = ["title"]
    filter_horizontal = ["creators"]
    inlines = [SeriesWorkInline]

    def save_model(self, request, obj, form, change) -> None:
        services.clean_html_fields(obj, ("summary", "notes"))
        super().save_model(request, obj, form, change)


@admin.register(EFictionRecord)
class EFictionRecordAdmin(admin.ModelAdmin):
    """What eFiction imports brought over: deleting a record lets the next run bring that
    review or favourite again."""

    list_display = ["kind", "source_id", "created_at"]
    list_filter = ["kind"]
    search_fields = ["source_id"]
