"""The one row of discussion settings, with its defaults, so reading it is one SELECT."""

from django.db import migrations


def create_row(apps, schema_editor):
    apps.get_model("comments", "DiscussionSettings").objects.get_or_create(pk=1)


class Migration(migrations.Migration):
    dependencies = [("comments", "0002_editors_group")]

    operations = [migrations.RunPython(create_row, migrations.RunPython.noop)]
