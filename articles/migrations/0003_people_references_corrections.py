"""Authors and medical reviewers become people; references, corrections, a disclaimer.

Each user who wrote an article becomes a Person linked to that account, named
as the site showed them (full name, else username); the article's "content
changed" time starts at its last save. Editors get the new models.
"""

import articles.references
import django.core.validators
import django.db.models.deletion
import django.utils.timezone
from django.conf import settings
from django.db import migrations, models
from django.db.models import F
from django.utils.text import slugify

from guard.editors_group import editors_may


PERMISSIONS = {
    "person": ["add", "change", "delete", "view"],
    "reference": ["add", "change", "delete", "view"],
    "correction": ["add", "change", "delete", "view"],
    "medicaldisclaimer": ["change", "view"],
}


def _check_constraints_now(schema_editor):
    # PostgreSQL refuses to alter a table with deferred constraint checks
    # pending from rows this migration changed.
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute("SET CONSTRAINTS ALL IMMEDIATE")


def _unique_slug(Person, name):
    base = slugify(name)[:140] or "author"
    slug, n = base, 1
    while Person.objects.filter(slug=slug).exists():
        n += 1
        slug = f"{base}-{n}"
    return slug


def people_from_users(apps, schema_editor):
    Article = apps.get_model("articles", "Article")
    Person = apps.get_model("articles", "Person")
    User = apps.get_model(*settings.AUTH_USER_MODEL.split("."))
    for user in User.objects.filter(pk__in=Article.objects.values("author_id")).order_by("pk"):
        full_name = f"{user.first_name} {user.last_name}".strip()
        name = full_name or user.username
        person = Person.objects.create(name=name, slug=_unique_slug(Person, name), user=user)
        Article.objects.filter(author_id=user.pk).update(author_person=person)
    Article.objects.update(content_changed_at=F("updated_at"))
    apps.get_model("articles", "MedicalDisclaimer").objects.get_or_create(pk=1)
    _check_constraints_now(schema_editor)


def users_from_people(apps, schema_editor):
    """Back to user authors: the linked account, else one made for the person (no password)."""
    Article = apps.get_model("articles", "Article")
    Person = apps.get_model("articles", "Person")
    User = apps.get_model(*settings.AUTH_USER_MODEL.split("."))
    for person in Person.objects.filter(pk__in=Article.objects.values("author_person_id")):
        user = person.user
        if user is None:
            first, _, last = person.name.partition(" ")
            user, _ = User.objects.get_or_create(
                username=f"author-{person.slug}"[:150],
                defaults={"first_name": first[:150], "last_name": last[:150], "password": "!"},
            )
        Article.objects.filter(author_person=person).update(author=user)
    _check_constraints_now(schema_editor)


class Migration(migrations.Migration):

    dependencies = [
        ('articles', '0002_immunotherapy_article'),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
        # The Editors group is created there, with the articles' permissions.
        ('comments', '0002_editors_group'),
        ('auth', '0012_alter_user_first_name_max_length'),
        ('contenttypes', '0002_remove_content_type_name'),
    ]

    operations = [
        migrations.CreateModel(
            name='Person',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('name', models.CharField(max_length=150)),
                ('slug', models.SlugField(help_text='The address of their profile page.', max_length=150, unique=True)),
                ('credentials', models.CharField(blank=True, help_text='Shown after the name, e.g. “MD, medical oncologist”.', max_length=200)),
                ('bio', models.TextField(blank=True, help_text='A few sentences, plain text.', max_length=1000)),
                ('profile_url', models.URLField(blank=True, validators=[django.core.validators.URLValidator(schemes=['http', 'https'])], help_text='Optional: their ORCID record or institution page.', max_length=500, verbose_name='profile link')),
                ('user', models.OneToOneField(blank=True, help_text='The editor account this person writes with, if any.', null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='person', to=settings.AUTH_USER_MODEL)),
            ],
            options={
                'ordering': ['name', 'pk'],
                'verbose_name_plural': 'people',
            },
        ),
        migrations.AddField(
            model_name='article',
            name='author_person',
            field=models.ForeignKey(null=True, on_delete=django.db.models.deletion.PROTECT, related_name='+', to='articles.person'),
        ),
        migrations.AlterField(
            model_name='article',
            name='author',
            field=models.ForeignKey(null=True, on_delete=django.db.models.deletion.PROTECT, related_name='articles', to=settings.AUTH_USER_MODEL),
        ),
        migrations.AddField(
            model_name='article',
            name='cited_keys',
            field=models.JSONField(default=list, editable=False),
        ),
        migrations.AddField(
            model_name='article',
            name='citations',
            field=models.JSONField(default=list, editable=False),
        ),
        migrations.AddField(
            model_name='article',
            name='corrections_html',
            field=models.TextField(default='', editable=False),
        ),
        migrations.AddField(
            model_name='article',
            name='content_changed_at',
            field=models.DateTimeField(default=django.utils.timezone.now, editable=False, help_text='The last change to the text, its references or its corrections.', verbose_name='content changed at'),
        ),
        migrations.AddField(
            model_name='article',
            name='references_html',
            field=models.TextField(default='', editable=False),
        ),
        migrations.AddField(
            model_name='article',
            name='reviewed_on',
            field=models.DateField(blank=True, help_text='When the reviewer checked it.', null=True, verbose_name='date of review'),
        ),
        migrations.AddField(
            model_name='article',
            name='reviewer',
            field=models.ForeignKey(blank=True, help_text='A clinician who checked the article; leave empty if nobody has.', null=True, on_delete=django.db.models.deletion.PROTECT, related_name='reviews', to='articles.person', verbose_name='medical reviewer'),
        ),
        migrations.CreateModel(
            name='Reference',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('key', models.CharField(help_text='Cited in the text as [^key]: letters, digits, - and _.', max_length=40, validators=[articles.references.validate_reference_key])),
                ('citation', models.TextField(help_text='Authors, title, journal, year, as it should be printed (Markdown).', max_length=1000)),
                ('doi', models.CharField(blank=True, help_text='e.g. 10.1056/NEJMoa1003466', max_length=200, validators=[articles.references.validate_doi], verbose_name='DOI')),
                ('pmid', models.CharField(blank=True, help_text='e.g. 20525992', max_length=8, validators=[articles.references.validate_pmid], verbose_name='PubMed ID')),
                ('url', models.URLField(blank=True, max_length=500, validators=[django.core.validators.URLValidator(schemes=['http', 'https'])], verbose_name='URL')),
            ],
            options={
                'ordering': ['pk'],
            },
        ),
        migrations.AddField(
            model_name='reference',
            name='article',
            field=models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='references', to='articles.article'),
        ),
        migrations.AddConstraint(
            model_name='reference',
            constraint=models.UniqueConstraint(fields=('article', 'key'), name='reference_key_unique_per_article', violation_error_message='Another reference of this article has this key.'),
        ),
        migrations.CreateModel(
            name='Correction',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('noted_on', models.DateField(default=django.utils.timezone.localdate, verbose_name='date')),
                ('text', models.TextField(help_text='What changed and why, in plain text.', max_length=1000)),
                ('article', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='corrections', to='articles.article')),
            ],
            options={
                'ordering': ['noted_on', 'pk'],
            },
        ),
        migrations.CreateModel(
            name='MedicalDisclaimer',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('text', models.TextField(default='This article is general information, not medical advice. It cannot take the place of a doctor who knows you: talk to your own doctor or care team about your situation before making any decision about treatment.', help_text='Under every article and in print. Plain text; a blank line starts a paragraph.', max_length=2000)),
            ],
            options={
                'verbose_name': 'medical disclaimer',
                'verbose_name_plural': 'medical disclaimer',
            },
        ),
        migrations.RunPython(people_from_users, users_from_people),
        migrations.RemoveField(
            model_name='article',
            name='author',
        ),
        migrations.RenameField(
            model_name='article',
            old_name='author_person',
            new_name='author',
        ),
        migrations.AlterField(
            model_name='article',
            name='author',
            field=models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='articles', to='articles.person'),
        ),
        migrations.AddConstraint(
            model_name='article',
            constraint=models.CheckConstraint(condition=models.Q(models.Q(('reviewed_on__isnull', True), ('reviewer__isnull', True)), models.Q(('reviewed_on__isnull', False), ('reviewer__isnull', False)), _connector='OR'), name='article_review_has_reviewer_and_date', violation_error_message='A medical review needs both the reviewer and the date of review.'),
        ),
        editors_may(
            "articles",
            [f"{action}_{model}" for model, actions in PERMISSIONS.items() for action in actions],
        ),
    ]
