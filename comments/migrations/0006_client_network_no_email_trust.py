"""Flood and duplicate checks key on the client's network, never on the email address.

Approving authors because they typed a known email address told anyone
whether that address had commented; it goes. Comments still holding an IP
address get the network the limits count (an IPv6 client's /64).
"""

import ipaddress

from django.conf import settings
from django.db import migrations, models


def network_of(address):
    ip = ipaddress.ip_address(address)
    if ip.version == 6 and ip.ipv4_mapped:
        return str(ip.ipv4_mapped)
    if ip.version == 6:
        return str(ipaddress.ip_network(f"{ip}/64", strict=False).network_address)
    return str(ip)


def fill_networks(apps, schema_editor):
    Comment = apps.get_model("comments", "Comment")
    with_address = Comment.objects.filter(ip_address__isnull=False).only("pk", "ip_address")
    for comment in with_address.iterator():
        comment.client_network = network_of(comment.ip_address)
        comment.save(update_fields=["client_network"])


class Migration(migrations.Migration):

    dependencies = [
        ('articles', '0002_immunotherapy_article'),
        ('comments', '0005_drop_stored_cards'),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.RemoveField(
            model_name='discussionsettings',
            name='auto_approve_known_authors',
        ),
        migrations.AddField(
            model_name='comment',
            name='client_network',
            field=models.CharField(blank=True, default='', editable=False, max_length=39, verbose_name='client network'),
        ),
        migrations.AddIndex(
            model_name='comment',
            index=models.Index(fields=['client_network', 'created_at'], name='comment_network_idx'),
        ),
        migrations.RunPython(fill_networks, migrations.RunPython.noop),
    ]
