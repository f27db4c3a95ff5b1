from django import template
from django.utils.html import format_html, format_html_join

from articles import jsonld

register = template.Library()


@register.simple_tag
def meta_elements(meta_tags):
    """<meta> elements from (attribute, key, value) triples, every value escaped."""
    return format_html_join("\n  ", '<meta {}="{}" content="{}">', meta_tags)


@register.simple_tag
def article_json_ld(article, canonical_url, extra=None):
    """The article's JSON-LD BlogPosting, with what the page adds (its comments, say)."""
    return format_html(
        '<script type="application/ld+json">{}</script>',
        jsonld.dumps(article.schema(canonical_url, extra)),
    )
