from django.contrib import admin

from ficarchive.tags.models import Tag


@admin.register(Tag)
class TagAdmin(admin.ModelAdmin):
    list_display = ["name", "type", "canonical", "created_at"]
    list_filter = ["type", "canonical"]
    search_fields = ["name"]
    # Read-only here: renaming and wrangling go through the wrangling pages so that
    # closures, filter sets and the log stay right.
    fields = ["name", "type", "canonical", "merger", "unwrangleable", "public_works_count",
              "works_count"]  # fmt: skip
    readonly_fields = fields
