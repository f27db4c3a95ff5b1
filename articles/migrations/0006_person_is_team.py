"""Bylines for a team: the seeded "Immunoblog Editorial Team" is one.

Its Person came from the `editorial` account the first article was written
with (0002, 0003); it is marked a team, so search engines read an
Organization, as Google advises for articles by a team.
"""

from django.db import migrations, models

EDITORIAL_USERNAME = "editorial"


def mark_editorial_team(apps, schema_editor):
    Person = apps.get_model("articles", "Person")
    Person.objects.filter(user__username=EDITORIAL_USERNAME).update(is_team=True)


class Migration(migrations.Migration):

    dependencies = [
        ('articles', '0005_article_import_source'),
    ]

    operations = [
        migrations.AddField(
            model_name='person',
            name='is_team',
            field=models.BooleanField(default=False, help_text='A byline for a group, such as the editorial team, rather than one person: search engines are told it is an organisation.', verbose_name='a team'),
        ),
        migrations.RunPython(mark_editorial_team, migrations.RunPython.noop),
    ]
