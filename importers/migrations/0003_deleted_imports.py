"""What imports leave out because it was deleted here.

Editors may read and delete those records, and now delete old addresses and
pingbacks too: they go with their article when an editor deletes it.
"""

import django.utils.timezone
from django.db import migrations, models

from guard.editors_group import editors_may

CODENAMES = [
    "view_deletedimport", "delete_deletedimport", "delete_oldaddress", "delete_pingback",
]  # fmt: skip


class Migration(migrations.Migration):

    dependencies = [
        ('importers', '0002_importrun_site'),
    ]

    operations = [
        migrations.CreateModel(
            name='DeletedImport',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('kind', models.CharField(choices=[('article', 'Article'), ('comment', 'Comment')], max_length=10)),
                ('source', models.CharField(choices=[('wordpress', 'WordPress'), ('disqus', 'Disqus')], max_length=20)),
                ('import_id', models.CharField(max_length=100, verbose_name='id there')),
                ('deleted_at', models.DateTimeField(default=django.utils.timezone.now, verbose_name='deleted')),
            ],
            options={
                'verbose_name': 'deleted import',
                'ordering': ['-deleted_at', '-pk'],
                'constraints': [models.UniqueConstraint(fields=('kind', 'source', 'import_id'), name='deleted_import_once')],
            },
        ),
        editors_may("importers", CODENAMES),
    ]
