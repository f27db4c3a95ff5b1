"""Which characters a commenter's name may not hold, by Unicode property.

A name is shown beside what its author wrote, so it must read as what it
is. Refused: every Default_Ignorable_Code_Point (invisible by definition:
bidirectional controls, zero-width characters, tag characters, Hangul
fillers, variation selectors out of place), every format character (Cf:
U+FFF9–FFFB, U+13430 …), every code point unassigned in the `regex`
package's Unicode version, line and paragraph separators, and the blank
Braille pattern U+2800. Python 3.11's `unicodedata` has no
Default_Ignorable_Code_Point, hence the `regex` package.

Allowed where writing needs them:

- ZWNJ and ZWJ between two characters of a script that uses them
  (Persian "می‌خواهم", Devanagari "क्‍ष");
- ZWJ inside an emoji sequence (👩‍⚕️), after an emoji, its skin tone or
  its variation selector, and before the next emoji;
- a variation selector after a character that takes one: U+FE00–FE0F after
  an emoji or a Han, Myanmar or Phags-pa character, U+E0100–E01EF after a
  Han character, the Mongolian selectors after a Mongolian character.
"""

import regex

_JOINING_SCRIPTS = (
    r"\p{sc=Arabic}\p{sc=Syriac}\p{sc=Nko}\p{sc=Mongolian}\p{sc=Devanagari}\p{sc=Bengali}"
    r"\p{sc=Gurmukhi}\p{sc=Gujarati}\p{sc=Oriya}\p{sc=Tamil}\p{sc=Telugu}\p{sc=Kannada}"
    r"\p{sc=Malayalam}\p{sc=Sinhala}\p{sc=Khmer}\p{sc=Myanmar}"
)
_ALLOWED_HERE = (
    rf"(?<=[{_JOINING_SCRIPTS}])[\u200c\u200d](?=[{_JOINING_SCRIPTS}])",
    r"(?<=[\p{Extended_Pictographic}\p{Emoji_Modifier}\ufe0f])\u200d(?=\p{Extended_Pictographic})",
    r"(?<=[\p{Emoji}\p{sc=Han}\p{sc=Myanmar}\p{sc=Phags_Pa}])[\ufe00-\ufe0f]",
    r"(?<=\p{sc=Han})[\U000e0100-\U000e01ef]",
    r"(?<=\p{sc=Mongolian})[\u180b-\u180d\u180f]",
)
_REFUSED = regex.compile(
    "".join(f"(?!{allowed})" for allowed in _ALLOWED_HERE)
    + r"[\p{Default_Ignorable_Code_Point}\p{Cf}\p{Cn}\p{Zl}\p{Zp}\u2800]"
)


def refused_character(name):
    """The first character this name may not hold, or None."""
    found = _REFUSED.search(name)
    return found.group() if found else None


def without_refused_characters(name):
    """The name with every character it may not hold taken out (for imported names)."""
    return _REFUSED.sub("", name)
