from django import template

from ..discussion import load_discussion
from ..forms import parse_id

register = template.Library()


@register.simple_tag(takes_context=True)
def get_discussion(context, article):
    """The article's discussion: `{% get_discussion article as discussion %}`.

    A reply link (`?replytocom=ID`) opens the form as a reply; the page of a
    comment awaiting moderation (`pending_comment` in the context) shows it
    to its author; an author's own page (`own_comment`) adds their edit link.
    """
    request = context.get("request")
    reply_to_id = parse_id(request.GET.get("replytocom")) if request else None
    return load_discussion(
        article,
        reply_to_id=reply_to_id,
        pending=context.get("pending_comment"),
        own=context.get("own_comment"),
    )
