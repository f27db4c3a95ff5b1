"""Imports, the old addresses they keep, pingbacks; editors may read all three."""

import django.db.models.deletion
import django.utils.timezone
from django.contrib.auth.management import create_permissions
from django.db import migrations, models


EDITORS_GROUP = "Editors"
CODENAMES = ["view_importrun", "view_oldaddress", "view_pingback"]


def _permissions(apps):
    # Permissions are normally created after all migrations have run; the
    # group needs these now.
    app_config = apps.get_app_config("importers")
    app_config.models_module = True
    create_permissions(app_config, verbosity=0, apps=apps)
    app_config.models_module = None
    Permission = apps.get_model("auth", "Permission")
    return Permission.objects.filter(content_type__app_label="importers", codename__in=CODENAMES)


def grant(apps, schema_editor):
    Group = apps.get_model("auth", "Group")
    group, _ = Group.objects.get_or_create(name=EDITORS_GROUP)
    group.permissions.add(*_permissions(apps))


def revoke(apps, schema_editor):
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    for group in Group.objects.filter(name=EDITORS_GROUP):
        group.permissions.remove(
            *Permission.objects.filter(content_type__app_label="importers", codename__in=CODENAMES)
        )


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
        migrations.RunPython(grant, revoke),
    ]
