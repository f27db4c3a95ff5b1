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


@register.simple_tag
def discussion_page_json_ld(article, page_url, discussion):
    """A comment page's JSON-LD: a WebPage about the article, with the page's comments."""
    schema = article.discussion_page_schema(
        page_url, discussion.page_title, discussion.comments_schema
    )
    return format_html('<script type="application/ld+json">{}</script>', jsonld.dumps(schema))
