"""The trash is emptied after a number of days (a discussion setting), and editors
choose for themselves whether to be mailed about every published comment.

Editors may see and change their own choice (the admin shows each one theirs alone).
"""

import django.core.validators
import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models

from guard.editors_group import editors_may

CODENAMES = ["view_editormailpreference", "change_editormailpreference"]



class Migration(migrations.Migration):

    dependencies = [
        ('comments', '0009_comment_is_by_editor'),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
        ('auth', '0012_alter_user_first_name_max_length'),
        ('contenttypes', '0002_remove_content_type_name'),
    ]

    operations = [
        migrations.AddField(
            model_name='discussionsettings',
            name='trash_days',
            field=models.PositiveSmallIntegerField(default=30, help_text='Comments in the trash this many days are deleted for good by the daily housekeeping. 0: never.', validators=[django.core.validators.MaxValueValidator(3650)], verbose_name='empty the trash after (days)'),
        ),
        migrations.CreateModel(
            name='EditorMailPreference',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('published_comments', models.BooleanField(default=False, help_text='Comments that appear at once, without waiting for an editor, are mailed to you too, with links to mark them as spam or move them to the trash. Comments waiting for approval are always mailed to every editor.', verbose_name='also mail me about every published comment')),
                ('user', models.OneToOneField(on_delete=django.db.models.deletion.CASCADE, related_name='comment_mail', to=settings.AUTH_USER_MODEL)),
            ],
            options={
                'verbose_name': 'my moderation mail',
                'verbose_name_plural': 'my moderation mail',
            },
        ),
        editors_may("comments", CODENAMES),
    ]
