"""Re-render stored comments: the sanitiser now drops links without an http(s) or
mailto scheme, replies name only a public parent, and the card markup is compacted."""

from django.db import migrations

from comments.rendering import rerender_stored


def rerender(apps, schema_editor):
    rerender_stored(apps.get_model("comments", "Comment").objects.all())


class Migration(migrations.Migration):
    dependencies = [("comments", "0003_discussion_settings_row")]

    operations = [migrations.RunPython(rerender, migrations.RunPython.noop)]
