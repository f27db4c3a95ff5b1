"""Nothing moves when the web fonts arrive late: the page is laid out in the
local stand-in fonts first (font-display: swap), and the swap must not push
the title, the tags or the text about.

The fonts are held back for a second by the browser's own request routing,
then let through; every `layout-shift` the page reports meanwhile (buffered,
none caused by input) is summed, as Cumulative Layout Shift counts it.
"""

import pytest
from playwright.sync_api import expect

from tests.conftest import SEED_SLUG
from tests.e2e.conftest import DESKTOP, PHONE

pytestmark = pytest.mark.e2e

FONT_DELAY_MS = 1000
MOST_SHIFT = 0.02

# Collects the page's layout shifts from its first paint, with what moved.
OBSERVE_SHIFTS = """
window.__shifts = [];
new PerformanceObserver((list) => {
  for (const entry of list.getEntries()) {
    if (entry.hadRecentInput) continue;
    window.__shifts.push({
      value: entry.value,
      moved: entry.sources.map((source) => {
        const node = source.node;
        const name = node && node.nodeType === 1
          ? node.tagName.toLowerCase() + (node.className ? "." + node.className : "")
          : String(node && node.nodeName);
        return `${name} ${source.previousRect.y}→${source.currentRect.y}`;
      }),
    });
  }
}).observe({type: "layout-shift", buffered: true});
"""


def shifts_with_late_fonts(new_context, path, viewport):
    """Open `path` with every font held back a second; return the layout shifts seen."""
    context = new_context(viewport=viewport)
    context.add_init_script(OBSERVE_SHIFTS)
    held = []

    def hold(route):
        held.append(route)

    context.route("**/*.woff2", hold)
    page = context.new_page()
    page.goto(path, wait_until="domcontentloaded")
    page.wait_for_timeout(FONT_DELAY_MS)
    assert held, "the page asked for no web font"
    for route in held:
        route.continue_()
    assert page.evaluate("async () => (await document.fonts.ready).status") == "loaded"
    expect(page.locator("body")).to_be_visible()
    # Two frames after the swap, so its shift (if any) has been reported.
    page.evaluate("() => new Promise((r) => requestAnimationFrame(() => requestAnimationFrame(r)))")
    faces = page.evaluate(
        "() => [...document.fonts].filter((f) => f.status === 'loaded').map((f) => f.family)"
    )
    assert {"Source Serif 4", "Source Sans 3"} <= set(faces)
    return page.evaluate("() => window.__shifts")


@pytest.mark.parametrize("viewport", [DESKTOP, PHONE], ids=["1280px", "390px"])
@pytest.mark.parametrize(
    "path",
    [f"/articles/{SEED_SLUG}/", f"/articles/{SEED_SLUG}/comment-page-2/"],
    ids=["article", "comment-page-2"],
)
def test_late_fonts_shift_the_long_article_by_at_most_two_hundredths(
    new_context, site, long_article, path, viewport
):
    shifts = shifts_with_late_fonts(new_context, path, viewport)
    total = sum(shift["value"] for shift in shifts)
    assert total <= MOST_SHIFT, shifts
