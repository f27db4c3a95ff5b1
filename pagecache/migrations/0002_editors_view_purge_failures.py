"""Editors see the purges the caches never confirmed (the stale pages they may meet)."""

from django.db import migrations

from guard.editors_group import editors_may

CODENAME = "view_purgefailure"



class Migration(migrations.Migration):
    dependencies = [
        ("pagecache", "0001_initial"),
        # The group is created there, with the discussion's permissions.
        ("comments", "0002_editors_group"),
        ("auth", "0012_alter_user_first_name_max_length"),
        ("contenttypes", "0002_remove_content_type_name"),
    ]

    operations = [editors_may("pagecache", [CODENAME])]
