"""Every canonical tag files works under itself."""

from django.db import migrations


def add_self_filters(apps, schema_editor):
    Tag = apps.get_model("tags", "Tag")
    TagFilter = apps.get_model("tags", "TagFilter")
    TagFilter.objects.bulk_create(
        [TagFilter(tag_id=pk, filter_id=pk) for pk in Tag.objects.filter(canonical=True).values_list("pk", flat=True)],
        ignore_conflicts=True,
    )


class Migration(migrations.Migration):
    dependencies = [("tags", "0003_tag_merger_tag_metatags_tag_parents_and_more")]
    operations = [migrations.RunPython(add_self_filters, migrations.RunPython.noop)]
