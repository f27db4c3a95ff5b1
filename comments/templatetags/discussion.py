from dataclasses import replace

from django import template
from django.template.loader import render_to_string
from django.utils.safestring import SafeString

from ..discussion import load_discussion, reply_to_id
from ..editors import editor_from_request
from ..thread import change_url

register = template.Library()


@register.simple_tag(takes_context=True)
def get_discussion(context, article):
    """The article's discussion: `{% get_discussion article as discussion %}`.

    The page the article URL shows; a comment page's view puts its own
    page in the context as `discussion`, which is returned as it is. A reply link
    (`?replytocom=ID`) opens the form as a reply; the page of a comment
    awaiting moderation (`pending_comment` in the context) shows it to its
    author; an author's own page (`own_comment`) adds their edit link; a
    signed-in editor gets the editor's form and an Edit link on every comment.
    """
    if "discussion" in context:
        return context["discussion"]
    # Asked for in <head> (the page links) and in the content: loaded once per render.
    key = ("discussion", article.pk)
    if key not in context.render_context:
        request = context.get("request")
        discussion = load_discussion(
            article,
            reply_to_id=reply_to_id(request),
            pending=context.get("pending_comment"),
            own=context.get("own_comment"),
        )
        # A signed-in editor's page (never cached) gets their form and Edit links.
        editor = editor_from_request(request)
        context.render_context[key] = replace(discussion, editor=editor) if editor else discussion
    return context.render_context[key]


@register.simple_tag
def render_comment_list(discussion):
    """The page's comments, threaded: `{% render_comment_list discussion %}`.

    A signed-in editor's page gives every card an Edit link to the admin.
    """
    context = {"cards": discussion.cards, "change_url": change_url if discussion.editor else None}
    # The output of a template: what a visitor typed in it was escaped there.
    return SafeString(render_to_string("comments/comment_list.html", context, using="jinja2"))
