"""Deleting an imported article or comment, by any path, is remembered: imports leave it out."""

from django.db.models.signals import post_delete
from django.dispatch import receiver

from articles.models import Article
from comments.models import Comment

from .models import DeletedImport

KINDS = {Article: DeletedImport.Kind.ARTICLE, Comment: DeletedImport.Kind.COMMENT}


@receiver(post_delete, sender=Article)
@receiver(post_delete, sender=Comment)
def remember_deleted_import(sender, instance, using, **kwargs):
    if not instance.import_id:
        return
    DeletedImport.objects.using(using).bulk_create(
        [
            DeletedImport(
                kind=KINDS[sender], source=instance.import_source, import_id=instance.import_id
            )
        ],
        ignore_conflicts=True,
    )
