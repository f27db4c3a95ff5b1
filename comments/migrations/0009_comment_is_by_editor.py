"""Comments posted by a signed-in editor carry a stored flag: the card's "Editor" badge.

Comments already posted that way (linked to an account that is an editor
now: active staff, and a superuser, in the Editors group or allowed to
change comments) get the flag.
"""

from django.db import migrations, models
from django.db.models import Q

EDITORS_GROUP = "Editors"


def flag_editors_comments(apps, schema_editor):
    Comment = apps.get_model("comments", "Comment")
    editor = (
        Q(user__is_superuser=True)
        | Q(user__groups__name=EDITORS_GROUP)
        | Q(
            user__user_permissions__content_type__app_label="comments",
            user__user_permissions__codename="change_comment",
        )
    )
    ids = (
        Comment.objects.filter(user__is_active=True, user__is_staff=True)
        .filter(editor)
        .values_list("pk", flat=True)
        .distinct()
    )
    Comment.objects.filter(pk__in=list(ids)).update(is_by_editor=True)


class Migration(migrations.Migration):
    dependencies = [
        ("comments", "0008_comment_edits_and_privacy_requests"),
        ("auth", "0012_alter_user_first_name_max_length"),
    ]

    operations = [
        migrations.AddField(
            model_name="comment",
            name="is_by_editor",
            field=models.BooleanField(default=False, editable=False, verbose_name="by an editor"),
        ),
        migrations.RunPython(flag_editors_comments, migrations.RunPython.noop),
    ]
