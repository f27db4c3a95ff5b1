"""An old `#comment-N` link whose comment lives on another comment page."""

from django.shortcuts import redirect
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_safe

from articles.models import Article
from comments.models import MAX_IMPORT_ID_LENGTH, Comment

from .writing import comment_permalink


@require_safe
@never_cache
def old_comment(request, slug, old_id):
    """302 to the permalink of the article's public comment imported with `old_id`.

    static/js/old-comment-links.js asks here when the comment an old link
    names is not on the page the reader landed on. Anything else (not
    imported, not public, never existed) goes back to the article, so a
    reader is never stranded on an error page.
    """
    comment = (
        Comment.objects.public()
        .filter(
            article__slug=slug,
            article__in=Article.objects.published(),
            import_id=old_id[:MAX_IMPORT_ID_LENGTH],
        )
        .values_list("pk", flat=True)
        .first()
    )
    if comment is not None:
        return redirect(comment_permalink(comment))
    return redirect("articles:detail", slug=slug)
