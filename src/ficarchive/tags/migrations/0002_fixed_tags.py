"""Create the fixed tags: ratings, archive warnings and categories."""

from django.db import migrations

FIXED = {
    "rating": ["Not Rated", "General Audiences", "Teen And Up Audiences", "Mature", "Explicit"],
    "warning": [
        "Choose Not To Use Archive Warnings",
        "No Archive Warnings Apply",
        "Graphic Depictions Of Violence",
        "Major Character Death",
        "Rape/Non-Con",
        "Underage Sex",
    ],
    "category": ["Gen", "F/M", "M/M", "F/F", "Multi", "Other"],
}


def create_fixed_tags(apps, schema_editor):
    Tag = apps.get_model("tags", "Tag")
    for tag_type, names in FIXED.items():
        for name in names:
            Tag.objects.update_or_create(
                key=name.casefold(), defaults={"name": name, "type": tag_type, "canonical": True}
            )


class Migration(migrations.Migration):
    dependencies = [("tags", "0001_initial")]
    operations = [migrations.RunPython(create_fixed_tags, migrations.RunPython.noop)]
