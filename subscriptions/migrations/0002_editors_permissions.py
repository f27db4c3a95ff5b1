"""Editors may see who confirmed an address and what they follow, and end a follow on request."""

from django.db import migrations

from guard.editors_group import editors_may

CODENAMES = [
    "view_commenter",
    "view_verification",
    "view_commenterkey",
    "view_subscription",
    "delete_subscription",
    "view_notice",
]



class Migration(migrations.Migration):
    dependencies = [
        ("subscriptions", "0001_initial"),
        # The group is created there, with the discussion's permissions.
        ("comments", "0002_editors_group"),
        ("auth", "0012_alter_user_first_name_max_length"),
        ("contenttypes", "0002_remove_content_type_name"),
    ]

    operations = [editors_may("subscriptions", CODENAMES)]
