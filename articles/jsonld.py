"""JSON for <script type="application/ld+json"> blocks."""

import json

from django.utils.safestring import SafeString

# Escaped so that no value can close the script element or open a comment.
_SCRIPT_ESCAPES = {ord("<"): "\\u003C", ord(">"): "\\u003E", ord("&"): "\\u0026"}


def dumps(data):
    """Compact JSON, safe to print verbatim inside a script element."""
    text = json.dumps(data, ensure_ascii=False, separators=(",", ":"))
    return SafeString(text.translate(_SCRIPT_ESCAPES))
