"""JSON for <script type="application/ld+json"> blocks."""

import json
import uuid

# Escaped so that no value can close the script element or open a comment.
_SCRIPT_ESCAPES = {ord("<"): "\\u003C", ord(">"): "\\u003E", ord("&"): "\\u0026"}


class RawList(list):
    """A list of JSON fragments already encoded (and escaped) by dumps()."""


def dumps(data):
    """Compact JSON, safe to print verbatim inside a script element.

    Values of a top-level dict may be RawList instances of fragments that
    were encoded earlier, when the data was saved; they are joined as is.
    """
    raw = {}
    if isinstance(data, dict):
        data = dict(data)
        for key, value in data.items():
            if isinstance(value, RawList):
                placeholder = f"@raw-{uuid.uuid4().hex}"
                raw[json.dumps(placeholder)] = "[" + ",".join(value) + "]"
                data[key] = placeholder
    text = json.dumps(data, ensure_ascii=False, separators=(",", ":")).translate(_SCRIPT_ESCAPES)
    for placeholder, fragment in raw.items():
        text = text.replace(placeholder, fragment, 1)
    return text
