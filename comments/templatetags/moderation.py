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


@register.filter
def quoted(text):
    """A visitor's text as a mail quotes it: every line starts with "> ".

    Every kind of line break Python knows (a lone carriage return, the
    Unicode line and paragraph separators...) starts a quoted line, so no
    line of the text can pass for a line of the mail itself.
    """
    return "\n".join(f"> {line}".rstrip() for line in str(text).splitlines() or [""])
