"""Reading an export safely: streamed, no DTD, no entities, one-line errors.

Exports can be hundreds of megabytes and come from anywhere, so they are
read with defusedxml's iterparse, never as a whole document, and the
importers clear each element once they have used it.
"""

import contextlib
from xml.etree.ElementTree import ParseError

from defusedxml import DefusedXmlException, DTDForbidden, EntitiesForbidden
from defusedxml.ElementTree import iterparse

# Namespace URIs of a WordPress export. The WordPress one carries the export
# version (1.0, 1.1, 1.2); what this blog writes is 1.2.
WXR_VERSION = "1.2"
WORDPRESS_NS = f"http://wordpress.org/export/{WXR_VERSION}/"
EXCERPT_NS = f"http://wordpress.org/export/{WXR_VERSION}/excerpt/"
CONTENT_NS = "http://purl.org/rss/1.0/modules/content/"
DC_NS = "http://purl.org/dc/elements/1.1/"
WFW_NS = "http://wellformedweb.org/CommentAPI/"
# Each namespace by the prefix exports use for it.
NAMESPACES = {
    CONTENT_NS: "content",
    DC_NS: "dc",
    WFW_NS: "wfw",
    "http://disqus.com": "",
    "http://disqus.com/disqus-internals": "dsq",
}


class ImportFailed(Exception):
    """The file cannot be imported; the message is one line for the person running it."""


def short_name(tag):
    """`{http://wordpress.org/export/1.2/}comment_id` → `wp:comment_id`."""
    if not tag.startswith("{"):
        return tag
    uri, _, local = tag[1:].partition("}")
    # WordPress writes http://, WordPress.com https://.
    if uri.startswith(("http://wordpress.org/export/", "https://wordpress.org/export/")):
        prefix = "excerpt" if uri.rstrip("/").endswith("excerpt") else "wp"
    else:
        prefix = NAMESPACES.get(uri, uri)
    return f"{prefix}:{local}" if prefix else local


def events(path, kinds=("start", "end")):
    """(event, short tag name, element) for each element of the file, streamed.

    Every way the file can be hostile or broken ends as ImportFailed with one
    line saying so.
    """
    try:
        for event, element in iterparse(str(path), events=kinds, forbid_dtd=True):
            yield event, short_name(element.tag), element
    except DTDForbidden as error:
        raise ImportFailed("The file declares a document type (DTD); exports have none.") from error
    except EntitiesForbidden as error:
        raise ImportFailed(
            "The file declares entities (an entity bomb or external references); exports have none."
        ) from error
    except DefusedXmlException as error:
        raise ImportFailed(f"The file refers to outside resources ({error}).") from error
    except ParseError as error:
        raise ImportFailed(f"The file is not well-formed XML ({error}).") from error
    except (LookupError, UnicodeError, ValueError) as error:
        raise ImportFailed(f"The file cannot be decoded ({error}).") from error
    except OSError as error:
        raise ImportFailed(f"The file cannot be read ({error.strerror or error}).") from error


def discard(parent, element):
    """Take a used element out of its parent, so that memory does not fill with the file.

    Elements go in the order they end, so it is the first child left. (Not
    necessarily the last: the parser reads ahead, and its next sibling may
    have started already.)
    """
    if len(parent) and parent[0] is element:
        del parent[0]
    else:
        with contextlib.suppress(ValueError):
            parent.remove(element)


def text(element):
    return (element.text or "").strip() if element is not None else ""


def child_text(element, name):
    """The text of the first child named `name` (short name), or ""."""
    for child in element:
        if short_name(child.tag) == name:
            return text(child)
    return ""
