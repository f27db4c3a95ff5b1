"""Imports, the old addresses they keep, pingbacks; editors may read all three."""

import django.db.models.deletion
import django.utils.timezone
from django.db import migrations, models

from guard.editors_group import editors_may


CODENAMES = ["view_importrun", "view_oldaddress", "view_pingback"]



class Migration(migrations.Migration):

    initial = True

    dependencies = [
        ('articles', '0005_article_import_source'),
        # The Editors group is created there.
        ('comments', '0002_editors_group'),
        ('auth', '0012_alter_user_first_name_max_length'),
        ('contenttypes', '0002_remove_content_type_name'),
    ]

    operations = [
        migrations.CreateModel(
            name='ImportRun',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('kind', models.CharField(choices=[('wordpress', 'WordPress'), ('disqus', 'Disqus')], max_length=20)),
                ('file_name', models.CharField(max_length=255)),
                ('is_dry_run', models.BooleanField(default=False, verbose_name='dry run')),
                ('started_at', models.DateTimeField(default=django.utils.timezone.now)),
                ('finished_at', models.DateTimeField(blank=True, null=True)),
                ('succeeded', models.BooleanField(default=False)),
                ('error', models.TextField(blank=True)),
                ('counts', models.JSONField(blank=True, default=dict)),
                ('report', models.TextField(blank=True)),
            ],
            options={
                'verbose_name': 'import',
                'ordering': ['-started_at', '-pk'],
            },
        ),
        migrations.CreateModel(
            name='OldAddress',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('path', models.CharField(max_length=500, unique=True)),
                ('source', models.CharField(choices=[('wordpress', 'WordPress'), ('disqus', 'Disqus')], max_length=20)),
                ('article', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='old_addresses', to='articles.article')),
            ],
            options={
                'verbose_name': 'old address',
                'verbose_name_plural': 'old addresses',
                'ordering': ['path'],
            },
        ),
        migrations.CreateModel(
            name='Pingback',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('kind', models.CharField(choices=[('pingback', 'Pingback'), ('trackback', 'Trackback')], max_length=10)),
                ('source', models.CharField(choices=[('wordpress', 'WordPress'), ('disqus', 'Disqus')], max_length=20)),
                ('source_id', models.CharField(max_length=100)),
                ('site_name', models.CharField(blank=True, max_length=245)),
                ('url', models.URLField(blank=True)),
                ('excerpt', models.TextField(blank=True)),
                ('status', models.CharField(max_length=20)),
                ('created_at', models.DateTimeField()),
                ('article', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='pingbacks', to='articles.article')),
            ],
            options={
                'ordering': ['article', 'created_at', 'pk'],
                'constraints': [models.UniqueConstraint(fields=('source', 'source_id'), name='pingback_imported_once')],
            },
        ),
        editors_may("importers", CODENAMES),
    ]
