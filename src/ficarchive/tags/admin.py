from django.contrib import admin

from ficarchive.tags.models import Tag


@admin.register(Tag)
class TagAdmin(admin.ModelAdmin):
    list_display = ["name", "type", "canonical", "created_at"]
    list_filter = ["type", "canonical"]
    search_fields = ["name"]
    # Wrangling goes through the wrangling pages so filter sets stay right.
    fields = [
        "name",
        "type",
        "canonical",
        "merger",
        "unwrangleable",
        "public_works_count",
        "works_count",
    ]
    readonly_fields = [
        "type",
        "canonical",
        "merger",
        "unwrangleable",
        "public_works_count",
        "works_count",
    ]
