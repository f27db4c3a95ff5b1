"""Print the descriptors that make a local font stand in for a web font.

    .venv/bin/python fonts/fallback_metrics.py static/fonts/source-serif-4-latin-wght-normal.woff2 \
        /usr/share/fonts/truetype/dejavu/DejaVuSerif.ttf [WEIGHT]

The web fonts are variable: WEIGHT (default 400) is the weight the local font
stands in for, measured on that instance of the web font. Source Sans 3's
default instance is ExtraLight (200), a twentieth narrower than its regular,
and its semibold is wider again, so a bold stand-in (DejaVuSans-Bold.ttf, at
600) gets descriptors of its own.

Until the web font arrives (font-display: swap) the text is set in a local
font. Scaled by `size-adjust` so that English text is as wide, and given the
web font's vertical metrics, the local font breaks lines in nearly the same
places, and the swap does not move the text. The values go into the fallback
@font-face rules in static/css/site.css. Metric-compatible fonts share them:
Liberation Serif and Sans measure for Times New Roman and Arial.
"""

import sys

from fontTools.ttLib import TTFont
from fontTools.varLib.instancer import instantiateVariableFont

# Relative frequency of characters in English prose, spaces included (per mille).
FREQUENCIES = {
    " ": 180,
    "e": 102,
    "t": 75,
    "a": 65,
    "o": 62,
    "i": 57,
    "n": 57,
    "s": 52,
    "r": 49,
    "h": 42,
    "l": 33,
    "d": 31,
    "c": 23,
    "u": 23,
    "m": 20,
    "f": 18,
    "g": 16,
    "p": 16,
    "w": 15,
    "y": 14,
    "b": 12,
    ",": 10,
    ".": 9,
    "v": 8,
    "k": 6,
    "T": 3,
    "I": 3,
    "A": 3,
    "S": 2,
    "C": 2,
}


def average_width(font):
    """Em-relative width of an average character of English text."""
    cmap, metrics = font.getBestCmap(), font["hmtx"].metrics
    total = sum(metrics[cmap[ord(char)]][0] * weight for char, weight in FREQUENCIES.items())
    return total / sum(FREQUENCIES.values()) / font["head"].unitsPerEm


def descriptors(web_path, local_path, weight=400):
    web, local = TTFont(web_path), TTFont(local_path)
    if "fvar" in web:
        web = instantiateVariableFont(web, {"wght": weight})
    scale = average_width(web) / average_width(local)
    em, hhea = web["head"].unitsPerEm, web["hhea"]
    return {
        "size-adjust": scale,
        "ascent-override": hhea.ascent / em / scale,
        "descent-override": -hhea.descent / em / scale,
        "line-gap-override": hhea.lineGap / em / scale,
    }


def main():
    if len(sys.argv) not in (3, 4):
        sys.exit(__doc__)
    web_path, local_path, *weight = sys.argv[1:]
    for name, value in descriptors(web_path, local_path, *map(int, weight)).items():
        print(f"  {name}: {value * 100:.2f}%;")


if __name__ == "__main__":
    main()
