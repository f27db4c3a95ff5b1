"""The Editors group's permissions, given by a migration: one operation for every app."""

from django.contrib.auth.management import create_permissions
from django.db import migrations

EDITORS_GROUP = "Editors"


def editors_may(app_label, codenames):
    """A migration operation: the Editors group gets these permissions of `app_label`
    (and loses them when the migration is reversed)."""
    codenames = sorted(codenames)

    def permissions(apps):
        Permission = apps.get_model("auth", "Permission")
        return Permission.objects.filter(content_type__app_label=app_label, codename__in=codenames)

    def grant(apps, schema_editor):
        # Permissions are normally created after all migrations have run; the
        # group needs them now.
        app_config = apps.get_app_config(app_label)
        app_config.models_module = True
        create_permissions(app_config, verbosity=0, apps=apps)
        app_config.models_module = None
        found = list(permissions(apps))
        if len(found) != len(codenames):
            missing = set(codenames) - {permission.codename for permission in found}
            raise LookupError(f"No such permissions in {app_label}: {sorted(missing)}")
        Group = apps.get_model("auth", "Group")
        group, _ = Group.objects.get_or_create(name=EDITORS_GROUP)
        group.permissions.add(*found)

    def revoke(apps, schema_editor):
        Group = apps.get_model("auth", "Group")
        for group in Group.objects.filter(name=EDITORS_GROUP):
            group.permissions.remove(*permissions(apps))

    return migrations.RunPython(grant, revoke)
