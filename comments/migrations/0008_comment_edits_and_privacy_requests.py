"""Authors edit their comments for a while (earlier texts kept for editors), and
commenters ask for their data by mail (the requests kept for editors to see).

Editors may read both new records, not change them.
"""

import django.core.validators
import django.db.models.deletion
import django.utils.timezone
from django.db import migrations, models

from guard.editors_group import editors_may

CODENAMES = ["view_commentversion", "view_privacyrequest"]



class Migration(migrations.Migration):

    dependencies = [
        ('comments', '0007_verified_authors_and_notices'),
        ('auth', '0012_alter_user_first_name_max_length'),
        ('contenttypes', '0002_remove_content_type_name'),
    ]

    operations = [
        migrations.AddField(
            model_name='comment',
            name='edited_at',
            field=models.DateTimeField(blank=True, editable=False, null=True),
        ),
        migrations.AddField(
            model_name='discussionsettings',
            name='edit_window_minutes',
            field=models.PositiveSmallIntegerField(default=15, help_text='For this many minutes after posting, the browser that posted a comment may edit it; the new text is moderated again. 0 turns editing off.', validators=[django.core.validators.MaxValueValidator(1440)], verbose_name='editing window (minutes)'),
        ),
        migrations.CreateModel(
            name='CommentVersion',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('body', models.TextField(max_length=65525, verbose_name='text')),
                ('status', models.CharField(choices=[('pending', 'Pending'), ('approved', 'Approved'), ('spam', 'Spam'), ('trash', 'Trash')], max_length=10)),
                ('written_at', models.DateTimeField(help_text='When this text was posted, or last edited.', verbose_name='written')),
                ('replaced_at', models.DateTimeField(default=django.utils.timezone.now, verbose_name='replaced')),
                ('comment', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='versions', to='comments.comment')),
            ],
            options={
                'verbose_name': 'earlier version',
                'ordering': ['comment', 'replaced_at', 'pk'],
            },
        ),
        migrations.CreateModel(
            name='PrivacyRequest',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('kind', models.CharField(choices=[('export', 'Download'), ('erase', 'Erase')], max_length=10)),
                ('email', models.EmailField(blank=True, max_length=100)),
                ('outcome', models.CharField(choices=[('queued', 'Waiting for the worker'), ('mailed', 'Link mailed'), ('no_data', 'No comments with this address: nothing sent'), ('limited', 'Too many requests for this address: nothing sent'), ('exported', 'Data downloaded'), ('erased', 'Data erased')], default='queued', max_length=10)),
                ('requested_at', models.DateTimeField(default=django.utils.timezone.now)),
                ('mailed_at', models.DateTimeField(blank=True, null=True)),
                ('fulfilled_at', models.DateTimeField(blank=True, null=True)),
                ('comment_count', models.PositiveIntegerField(blank=True, help_text='Comments downloaded or anonymised.', null=True)),
            ],
            options={
                'verbose_name': 'privacy request',
                'ordering': ['-requested_at', '-pk'],
                'indexes': [models.Index(fields=['email'], name='privacy_request_email_idx'), models.Index(fields=['requested_at'], name='privacy_request_time_idx')],
            },
        ),
        editors_may("comments", CODENAMES),
    ]
