"""The record of mail is looked up by the key of the mailbox it went to (outbox.addresses).

Stored rows are keyed here; a record whose address the rule refuses keeps an
empty key, which no lookup matches (housekeeping removes it in time).
"""

from django.db import migrations, models

import outbox.addresses


def fill(apps, schema_editor):
    outbox.addresses.fill_keys(apps.get_model("outbox", "Mail"))


class Migration(migrations.Migration):
    dependencies = [
        ("outbox", "0002_editors_view_mail"),
    ]

    operations = [
        migrations.AddField(
            model_name="mail",
            name="to_key",
            field=outbox.addresses.MailboxKeyField(address_field="to"),
        ),
        migrations.RunPython(fill, migrations.RunPython.noop, elidable=True),
        migrations.RemoveIndex(model_name="mail", name="outbox_mail_to_idx"),
        migrations.AddIndex(
            model_name="mail",
            index=models.Index(fields=["to_key", "created_at"], name="outbox_mail_to_key_idx"),
        ),
    ]
