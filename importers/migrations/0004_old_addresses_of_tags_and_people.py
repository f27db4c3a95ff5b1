"""Old addresses of categories, tags and authors: an old address now names an article, a tag
or a person."""

import django.db.models.deletion
from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ('articles', '0005_article_import_source'),
        ('importers', '0003_deleted_imports'),
    ]

    operations = [
        migrations.AddField(
            model_name='oldaddress',
            name='person',
            field=models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.CASCADE, related_name='old_addresses', to='articles.person'),
        ),
        migrations.AddField(
            model_name='oldaddress',
            name='tag',
            field=models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.CASCADE, related_name='old_addresses', to='articles.tag'),
        ),
        migrations.AlterField(
            model_name='oldaddress',
            name='article',
            field=models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.CASCADE, related_name='old_addresses', to='articles.article'),
        ),
        migrations.AddConstraint(
            model_name='oldaddress',
            constraint=models.CheckConstraint(condition=models.Q(models.Q(('article__isnull', False), ('person', None), ('tag', None)), models.Q(('article', None), ('person', None), ('tag__isnull', False)), models.Q(('article', None), ('person__isnull', False), ('tag', None)), _connector='OR'), name='old_address_has_one_target'),
        ),
    ]
