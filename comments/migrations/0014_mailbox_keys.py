"""Each comment's and privacy request's address gets its mailbox key, and lookups use it.

Stored rows are keyed here. An address the rule refuses (a non-ASCII letter
before the @, ß, ς or a zero-width joiner in the domain, no valid domain)
keeps its text and gets an empty key: no lookup by address finds it, so it
gets no mail about stored data; editors still see it in the admin.
Several spellings of one mailbox share a key, as they should.
"""

from django.db import migrations, models

import outbox.addresses


def fill(apps, schema_editor):
    for name in ("Comment", "PrivacyRequest"):
        outbox.addresses.fill_keys(apps.get_model("comments", name))


class Migration(migrations.Migration):
    dependencies = [
        ("comments", "0013_comment_thread"),
    ]

    operations = [
        migrations.AddField(
            model_name="comment",
            name="author_email_key",
            field=outbox.addresses.MailboxKeyField(address_field="author_email"),
        ),
        migrations.AddField(
            model_name="privacyrequest",
            name="email_key",
            field=outbox.addresses.MailboxKeyField(address_field="email"),
        ),
        migrations.AlterField(
            model_name="comment",
            name="author_email",
            field=models.EmailField(
                blank=True,
                max_length=100,
                validators=[outbox.addresses.validate_mailbox],
                verbose_name="email",
            ),
        ),
        migrations.RunPython(fill, migrations.RunPython.noop, elidable=True),
        migrations.RemoveIndex(model_name="comment", name="comment_author_idx"),
        migrations.RemoveIndex(model_name="privacyrequest", name="privacy_request_email_idx"),
        migrations.AddIndex(
            model_name="comment",
            index=models.Index(fields=["author_email_key", "status"], name="comment_author_key_idx"),
        ),
        migrations.AddIndex(
            model_name="privacyrequest",
            index=models.Index(fields=["email_key"], name="privacy_request_key_idx"),
        ),
    ]
