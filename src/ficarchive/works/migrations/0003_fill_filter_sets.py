"""Fill the filter sets of works posted before they existed."""

from django.db import migrations


def fill(apps, schema_editor):
    FilterTagging = apps.get_model("works", "FilterTagging")
    TagFilter = apps.get_model("tags", "TagFilter")
    Work = apps.get_model("works", "Work")
    closure = {}
    for row in TagFilter.objects.values_list("tag_id", "filter_id"):
        closure.setdefault(row[0], set()).add(row[1])
    rows = []
    for work_id, tag_id in Work.tags.through.objects.values_list("work_id", "tag_id"):
        rows.extend(FilterTagging(work_id=work_id, tag_id=f) for f in closure.get(tag_id, ()))
    FilterTagging.objects.bulk_create(rows, ignore_conflicts=True, batch_size=5000)


class Migration(migrations.Migration):
    dependencies = [("works", "0002_filtertagging_work_filters_and_more"), ("tags", "0004_canonical_closures")]
    operations = [migrations.RunPython(fill, migrations.RunPython.noop)]
