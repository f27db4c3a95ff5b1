"""The "Editors" group: articles and the discussion, nothing about users."""

from django.contrib.auth.management import create_permissions
from django.db import migrations

EDITORS_GROUP = "Editors"
PERMISSIONS = {
    ("articles", "article"): ["add", "change", "delete", "view"],
    ("articles", "tag"): ["add", "change", "delete", "view"],
    ("comments", "comment"): ["change", "delete", "view"],
    ("comments", "discussionsettings"): ["change", "view"],
}


def create_editors_group(apps, schema_editor):
    # Permissions are normally created after all migrations have run; the
    # group needs them now.
    for app_label in ("articles", "comments"):
        app_config = apps.get_app_config(app_label)
        app_config.models_module = True
        create_permissions(app_config, verbosity=0, apps=apps)
        app_config.models_module = None
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    group, _ = Group.objects.get_or_create(name=EDITORS_GROUP)
    permissions = [
        Permission.objects.get(
            content_type__app_label=app_label,
            content_type__model=model,
            codename=f"{action}_{model}",
        )
        for (app_label, model), actions in PERMISSIONS.items()
        for action in actions
    ]
    group.permissions.set(permissions)


def remove_editors_group(apps, schema_editor):
    apps.get_model("auth", "Group").objects.filter(name=EDITORS_GROUP).delete()


class Migration(migrations.Migration):
    dependencies = [
        ("comments", "0001_initial"),
        ("articles", "0002_immunotherapy_article"),
        ("auth", "0012_alter_user_first_name_max_length"),
        ("contenttypes", "0002_remove_content_type_name"),
    ]

    operations = [migrations.RunPython(create_editors_group, remove_editors_group)]
