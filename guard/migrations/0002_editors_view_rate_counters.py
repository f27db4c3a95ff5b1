"""Editors may look at the rate counters (how hard someone is knocking), not change them."""

from django.db import migrations

from guard.editors_group import editors_may

CODENAME = "view_ratecounter"



class Migration(migrations.Migration):
    dependencies = [
        ("guard", "0001_initial"),
        # The group is created there, with the discussion's permissions.
        ("comments", "0002_editors_group"),
        ("auth", "0012_alter_user_first_name_max_length"),
        ("contenttypes", "0002_remove_content_type_name"),
    ]

    operations = [editors_may("guard", [CODENAME])]
