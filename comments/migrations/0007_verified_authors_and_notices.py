from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ('comments', '0006_client_network_no_email_trust'),
    ]

    operations = [
        migrations.AddField(
            model_name='discussionsettings',
            name='auto_approve_verified_authors',
            field=models.BooleanField(default=True, help_text='With manual approval on, a comment sent from a browser that confirmed its email address by a mailed link, from an author with an approved comment under that address, appears without waiting. Typing a known address earns nothing.', verbose_name='publish at once authors with an earlier approved comment'),
        ),
        migrations.AddField(
            model_name='discussionsettings',
            name='notify_commenters',
            field=models.BooleanField(default=True, help_text='Commenters who confirmed their address and asked for it are told of replies to their comments and of their approval. Off: no such mail is sent.', verbose_name='email commenters about their comments'),
        ),
    ]
