from dataclasses import replace

from django import template

from ..discussion import load_discussion
from ..editors import editor_from_request
from ..forms import parse_id

register = template.Library()


@register.simple_tag(takes_context=True)
def get_discussion(context, article):
    """The article's discussion: `{% get_discussion article as discussion %}`.

    A reply link (`?replytocom=ID`) opens the form as a reply; the page of a
    comment awaiting moderation (`pending_comment` in the context) shows it
    to its author; an author's own page (`own_comment`) adds their edit link; a
    signed-in editor gets the editor's form and an Edit link on every comment.
    """
    request = context.get("request")
    reply_to_id = parse_id(request.GET.get("replytocom")) if request else None
    discussion = load_discussion(
        article,
        reply_to_id=reply_to_id,
        pending=context.get("pending_comment"),
        own=context.get("own_comment"),
    )
    # A signed-in editor's page (never cached) gets their form and Edit links.
    editor = editor_from_request(request)
    return replace(discussion, editor=editor) if editor else discussion
