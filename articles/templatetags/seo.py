from django import template
from django.utils.html import format_html_join

register = template.Library()


@register.simple_tag
def meta_elements(meta_tags):
    """<meta> elements from (attribute, key, value) triples, every value escaped.

    One call instead of a template loop: the article page prints about twenty
    of these, and the loop was the costliest part of rendering it.
    """
    return format_html_join("\n  ", '<meta {}="{}" content="{}">', meta_tags)
