from django import template

from articles.search import snippet_html

register = template.Library()


@register.filter
def highlighted(snippet):
    """A search result's snippet: its text escaped, the words searched for marked."""
    return snippet_html(snippet)
