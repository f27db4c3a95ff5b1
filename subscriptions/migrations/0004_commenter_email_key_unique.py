"""One commenter per mailbox, held by the database.

A migration of its own: PostgreSQL alters no table in the transaction that
changed its rows (0003 merged them).
"""

from django.db import migrations

import outbox.addresses


class Migration(migrations.Migration):
    dependencies = [
        ("subscriptions", "0003_commenter_email_key"),
    ]

    operations = [
        migrations.AlterField(
            model_name="commenter",
            name="email_key",
            field=outbox.addresses.MailboxKeyField(address_field="email", unique=True),
        ),
    ]
