from django.contrib import admin

from ficarchive.tags.models import Tag


@admin.register(Tag)
class TagAdmin(admin.ModelAdmin):
    list_display = ["name", "type", "canonical", "created_at"]
    list_filter = ["type", "canonical"]
    search_fields = ["name"]
