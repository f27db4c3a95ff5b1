import comments.models
import django.db.models.functions.comparison
from django.conf import settings
from django.db import migrations, models


BATCH_SIZE = 500


def number_threads(apps, schema_editor):
    """Every reply learns the top-level comment its thread starts from, article by article."""
    Comment = apps.get_model("comments", "Comment")
    replies = Comment.objects.filter(parent__isnull=False).order_by("article_id")
    for article_id in replies.values_list("article_id", flat=True).distinct():
        pairs = Comment.objects.filter(article_id=article_id).order_by("pk")
        starts = comments.models.thread_starts(pairs.values_list("pk", "parent_id"))
        threaded = [Comment(pk=pk, thread_id=start) for pk, _, start in starts if start]
        Comment.objects.bulk_update(threaded, ["thread"], batch_size=BATCH_SIZE)


class Migration(migrations.Migration):

    dependencies = [
        ('articles', '0005_article_import_source'),
        ('comments', '0012_comment_import_source'),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.AddField(
            model_name='comment',
            name='thread',
            field=models.ForeignKey(blank=True, editable=False, null=True, on_delete=comments.models.move_threads_up, related_name='+', to='comments.comment'),
        ),
        migrations.AddIndex(
            model_name='comment',
            index=models.Index(models.F('article'), models.F('status'), django.db.models.functions.comparison.Coalesce('thread', 'id'), models.F('created_at'), name='comment_page_idx'),
        ),
        migrations.RunPython(number_threads, migrations.RunPython.noop),
    ]
