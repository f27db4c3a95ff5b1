from django import template

from ..models import Comment

register = template.Library()


@register.simple_tag(takes_context=True)
def pending_comment_count(context):
    """How many comments wait for an editor, counted once per request.

    The navigation and the index both show it; the count is kept on the
    request so a page that shows it twice asks the database once.
    """
    request = context.get("request")
    count = getattr(request, "_pending_comment_count", None)
    if count is None:
        count = Comment.objects.pending().count()
        if request is not None:
            request._pending_comment_count = count
    return count
