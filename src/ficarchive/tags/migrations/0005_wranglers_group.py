"""The group whose members may wrangle tags."""

from django.db import migrations


def create_group(apps, schema_editor):
    apps.get_model("auth", "Group").objects.get_or_create(name="Wranglers")


class Migration(migrations.Migration):
    dependencies = [("tags", "0004_canonical_closures"), ("auth", "0012_alter_user_first_name_max_length")]
    operations = [migrations.RunPython(create_group, migrations.RunPython.noop)]
