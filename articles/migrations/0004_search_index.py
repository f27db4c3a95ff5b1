"""The search index of SQLite: an FTS5 table with the porter tokenizer.

Only on SQLite; PostgreSQL searches with its own full-text functions and
needs no table. Filled here from the articles already stored; from then on
articles/signals.py keeps it in step (articles.search.index_articles).
"""

import re

from django.db import migrations

TABLE = "articles_search"
MARKUP = re.compile(r"<[^>]+>")


def create_index(apps, schema_editor):
    connection = schema_editor.connection
    if connection.vendor != "sqlite":
        return
    schema_editor.execute(
        f"CREATE VIRTUAL TABLE {TABLE} USING fts5("
        "title, tags, body, tokenize = 'porter unicode61 remove_diacritics 2')"
    )
    Article = apps.get_model("articles", "Article")
    rows = []
    for article in Article.objects.using(connection.alias).prefetch_related("tags"):
        tags = " ".join(sorted(tag.name for tag in article.tags.all()))
        rows.append((article.pk, article.title, tags, MARKUP.sub(" ", article.body_html)))
    with connection.cursor() as cursor:
        cursor.executemany(
            f"INSERT INTO {TABLE} (rowid, title, tags, body) VALUES (%s, %s, %s, %s)", rows
        )


def drop_index(apps, schema_editor):
    if schema_editor.connection.vendor == "sqlite":
        schema_editor.execute(f"DROP TABLE IF EXISTS {TABLE}")


class Migration(migrations.Migration):
    dependencies = [("articles", "0003_people_references_corrections")]

    operations = [migrations.RunPython(create_index, drop_index, elidable=False)]
