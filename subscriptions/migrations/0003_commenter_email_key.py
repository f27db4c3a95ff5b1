"""One commenter per mailbox: each address gets its key (outbox.addresses), unique.

Stored commenters are keyed here, with the address they had. Two rows whose
addresses reach the same mailbox (the same domain typed with full-width
letters, say) become one, the oldest: it keeps its address, takes the
others' confirmations, browser keys and follows, and is verified if any of
them was. Notices the merged rows held back for a digest are dropped (their
digest's task names a row that is gone). A commenter whose address the rule
refuses is removed with its keys and follows: no mail can be matched to it
again, and such an address must be confirmed anew in a form the rule takes.
"""

from django.db import migrations, models
from django.db.models import Count

import outbox.addresses


def key_and_merge(apps, schema_editor):
    Commenter = apps.get_model("subscriptions", "Commenter")
    Verification = apps.get_model("subscriptions", "Verification")
    CommenterKey = apps.get_model("subscriptions", "CommenterKey")
    Subscription = apps.get_model("subscriptions", "Subscription")
    outbox.addresses.fill_keys(Commenter)
    Commenter.objects.filter(email_key="").delete()
    shared = (
        Commenter.objects.values("email_key").annotate(rows=Count("pk")).filter(rows__gt=1)
    )
    for key in [row["email_key"] for row in shared]:
        oldest, *others = Commenter.objects.filter(email_key=key).order_by("created_at", "pk")
        ids = [other.pk for other in others]
        Verification.objects.filter(commenter_id__in=ids).update(commenter=oldest)
        CommenterKey.objects.filter(commenter_id__in=ids).update(commenter=oldest)
        for comment_id in Subscription.objects.filter(commenter_id__in=ids).values_list(
            "comment_id", flat=True
        ):
            Subscription.objects.get_or_create(commenter=oldest, comment_id=comment_id)
        verified = [row.verified_at for row in (oldest, *others) if row.verified_at]
        oldest.verified_at = min(verified) if verified else None
        oldest.save(update_fields=["verified_at"])
        Commenter.objects.filter(pk__in=ids).delete()


class Migration(migrations.Migration):
    dependencies = [
        ("subscriptions", "0002_editors_permissions"),
    ]

    operations = [
        migrations.AlterField(
            model_name="commenter",
            name="email",
            field=models.EmailField(max_length=254),
        ),
        migrations.AddField(
            model_name="commenter",
            name="email_key",
            field=outbox.addresses.MailboxKeyField(address_field="email"),
        ),
        migrations.RunPython(key_and_merge, migrations.RunPython.noop, elidable=True),
    ]
