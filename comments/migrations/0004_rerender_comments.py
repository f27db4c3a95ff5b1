from django.db import migrations


class Migration(migrations.Migration):
    """Once re-rendered stored comment cards; cards are now rendered by templates."""

    dependencies = [("comments", "0003_discussion_settings_row")]

    operations = []
