"""Reading what the server sent back: HTML, feeds and the sitemap."""

import json
import xml.etree.ElementTree as ET

from bs4 import BeautifulSoup

SITEMAP_NS = {"sm": "http://www.sitemaps.org/schemas/sitemap/0.9"}
ATOM_NS = {"atom": "http://www.w3.org/2005/Atom"}


def html(response):
    """The page as a browser would parse it (html5lib follows the HTML standard)."""
    return BeautifulSoup(response.content.decode(), "html5lib")


def text_of(element):
    """An element's text with runs of whitespace collapsed, as a reader sees it."""
    return " ".join(element.get_text(" ").split())


def meta_content(soup, **attributes):
    tag = soup.find("meta", attrs=attributes)
    return None if tag is None else tag["content"]


def json_ld_scripts(soup):
    return soup.find_all("script", type="application/ld+json")


def json_ld_document(response):
    """The page's one JSON-LD block, whole: {"@context", "@graph": [page, posting]}."""
    (script,) = json_ld_scripts(html(response))
    return json.loads(script.string)


def graph_node(document, node_type):
    (node,) = [node for node in document["@graph"] if node["@type"] == node_type]
    return node


def json_ld(response):
    """The BlogPosting of the page's JSON-LD graph."""
    return graph_node(json_ld_document(response), "BlogPosting")


def xml(response):
    return ET.fromstring(response.content)


def sitemap_locations(response):
    return [loc.text for loc in xml(response).findall("sm:url/sm:loc", SITEMAP_NS)]


def listed_titles(response):
    """The titles of a list page (home, tag, search), top to bottom."""
    return [text_of(h2) for h2 in html(response).select(".article-list .article-summary-title")]
