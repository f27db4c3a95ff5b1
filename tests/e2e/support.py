"""What the browser tests share: a believable discussion, page measurements, axe."""

from datetime import timedelta

from django.utils import timezone

from comments.models import Comment
from tests.factories import make_comment

# A discussion as readers write one: questions, answers, a thread five deep.
DISCUSSION = [
    # (key, parent key, name, website, text)
    (
        "maria",
        None,
        "Maria Okafor",
        "https://maria.example.org/",
        "Thank you for explaining checkpoint inhibitors so plainly. My mother starts "
        "pembrolizumab next month, and this is the first article that made the idea of "
        "“releasing the brakes” on T cells click for both of us.",
    ),
    (
        "james",
        "maria",
        "James Whitfield",
        "",
        "Wishing your mother well. Do ask her team which side effects to call about straight "
        "away: for my father it was a rash and tiredness, and the nurses wanted to hear about "
        "them early.",
    ),
    (
        "maria2",
        "james",
        "Maria Okafor",
        "https://maria.example.org/",
        "That is really helpful, thank you. We will write a list before the first appointment.",
    ),
    (
        "lena",
        "maria2",
        "Dr. Lena Fischer",
        "",
        "A list is a good idea. Immune-related side effects can appear weeks or even months "
        "after treatment starts, so keep it handy for the whole course, not just the first "
        "cycle.",
    ),
    (
        "james2",
        "lena",
        "James Whitfield",
        "",
        "Good to know, that matches what happened to us: the thyroid problem showed up in "
        "month four.",
    ),
    (
        "sam",
        None,
        "Sam Patel",
        "",
        "Is CAR-T therapy available for solid tumours yet, or is it still only for blood "
        "cancers? The article mentions research but not where it stands.",
    ),
    (
        "lena2",
        "sam",
        "Dr. Lena Fischer",
        "",
        "Approved CAR-T products are still for blood cancers. Trials in solid tumours are "
        "running; ClinicalTrials.gov lists them, and your oncologist can say whether any "
        "would fit.",
    ),
    (
        "ruth",
        None,
        "Ruth Adeyemi",
        "",
        "I had no idea allergy shots were a form of immunotherapy too. Five years of them "
        "ended my hay fever.",
    ),
]


def make_discussion(article):
    """Approved comments in threads up to five deep, oldest first; returns them by key."""
    comments = {}
    start = timezone.now() - timedelta(days=3)
    for n, (key, parent, name, website, text) in enumerate(DISCUSSION):
        comments[key] = make_comment(
            article,
            parent=comments.get(parent),
            author_name=name,
            author_email=f"{name.split()[-1].lower()}@example.net",
            author_url=website,
            body=text,
            created_at=start + timedelta(hours=5 * n),
        )
    return comments


def pending(article, **overrides):
    return make_comment(article, status=Comment.Status.PENDING, **overrides)


# Characters per line of the article's body paragraphs: every character's line
# is found from its layout box; a paragraph's last (short) line is left out.
MEASURE_SCRIPT = """
() => {
  const counts = [];
  for (const p of document.querySelectorAll(".article-body > p")) {
    const walker = document.createTreeWalker(p, NodeFilter.SHOW_TEXT);
    const lines = new Map();
    const range = document.createRange();
    for (let node = walker.nextNode(); node; node = walker.nextNode()) {
      for (let i = 0; i < node.length; i++) {
        range.setStart(node, i);
        range.setEnd(node, i + 1);
        const rect = range.getBoundingClientRect();
        if (!rect.height) continue;
        const top = Math.round(rect.top + rect.height / 2);
        let key = [...lines.keys()].find((known) => Math.abs(known - top) < rect.height / 2);
        if (key === undefined) { key = top; lines.set(key, 0); }
        lines.set(key, lines.get(key) + 1);
      }
    }
    const full = [...lines.values()].slice(0, -1);
    counts.push(...full);
  }
  return counts;
}
"""


def characters_per_line(page):
    """Average characters per full line of the article, once its fonts are in."""
    wait_for_fonts(page)
    counts = page.evaluate(MEASURE_SCRIPT)
    assert len(counts) > 20, "too few full lines to measure"
    return sum(counts) / len(counts)


def wait_for_fonts(page):
    """Wait until every font the page asked for has loaded (or failed)."""
    return page.evaluate(
        "async () => { await document.fonts.ready; return document.fonts.status; }"
    )


def fonts_rendering(page, selector):
    """The font families Chromium drew the text of the matching elements with.

    Asked of the browser's own text layout (DevTools' platform fonts), so a
    character missing from a web font shows up as the local font that drew it.
    """
    wait_for_fonts(page)
    session = page.context.new_cdp_session(page)
    try:
        session.send("DOM.enable")
        session.send("CSS.enable")
        root = session.send("DOM.getDocument", {"depth": -1})["root"]["nodeId"]
        nodes = session.send("DOM.querySelectorAll", {"nodeId": root, "selector": selector})
        families = {}
        for node in nodes["nodeIds"]:
            for font in session.send("CSS.getPlatformFontsForNode", {"nodeId": node})["fonts"]:
                name = font["familyName"] + ("" if font["isCustomFont"] else " (local)")
                families[name] = families.get(name, 0) + font["glyphCount"]
        return families
    finally:
        session.detach()


AXE_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]


def axe_violations(page, axe_source):
    """Run axe-core in the page; return the serious and critical violations."""
    page.add_script_tag(content=axe_source)
    result = page.evaluate(
        "async (tags) => await axe.run(document, {runOnly: {type: 'tag', values: tags}})",
        AXE_TAGS,
    )
    return [
        {
            "id": violation["id"],
            "impact": violation["impact"],
            "help": violation["help"],
            "targets": [node["target"] for node in violation["nodes"]][:5],
            "summary": (violation["nodes"] or [{}])[0].get("failureSummary", ""),
        }
        for violation in result["violations"]
        if violation["impact"] in {"serious", "critical"}
    ]
