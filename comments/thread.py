"""Assemble a discussion from stored fragments, in one pass and no template.

The page costs one query for all approved comments; the tree is built here
from (id, parent_id) pairs and printed as nested lists by joining the cards
rendered at save time. Nothing here grows faster than the number of comments.
"""

from typing import NamedTuple

from django.utils.safestring import SafeString

AWAITING_MODERATION = (
    '<p class="comment-awaiting-moderation" role="status">Your comment is awaiting moderation.</p>'
)


class Node(NamedTuple):
    pk: int
    parent_id: int | None
    card_html: str
    reply_html: str
    is_pending: bool = False


def _children_by_parent(nodes):
    known = {node.pk for node in nodes}
    children = {}
    for node in nodes:
        # A reply whose parent is no longer public stands on its own.
        parent = node.parent_id if node.parent_id in known else None
        children.setdefault(parent, []).append(node)
    return children


def render_thread(nodes, *, max_depth, can_reply):
    """Nested <ol>/<li> markup for the comments, WordPress's comment-list shape.

    `nodes` come in display order (oldest first). A Reply link is printed
    while replying is open and the comment sits above the depth limit.
    """
    if not nodes:
        return SafeString("")
    children = _children_by_parent(nodes)
    parts = ['<ol class="comment-list">']
    stack = [(iter(children.get(None, ())), 1)]
    while stack:
        siblings, depth = stack[-1]
        node = next(siblings, None)
        if node is None:
            stack.pop()
            # Close a reply list and the comment holding it, or the whole list.
            parts.append("</ol></li>" if stack else "</ol>")
            continue
        css = f"comment depth-{depth}" + (" is-pending" if node.is_pending else "")
        parts.append(f'<li id="li-comment-{node.pk}" class="{css}">')
        parts.append(node.card_html)
        if node.is_pending:
            parts.append(AWAITING_MODERATION)
        elif can_reply and depth < max_depth:
            parts.append(f'<div class="reply">{node.reply_html}</div>')
        replies = children.get(node.pk)
        if replies:
            parts.append('<ol class="children">')
            stack.append((iter(replies), depth + 1))
        else:
            parts.append("</li>")
    return SafeString("".join(parts))
