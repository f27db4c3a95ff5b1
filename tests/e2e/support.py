"""What the browser tests share: a believable discussion, page measurements, axe."""

from datetime import timedelta

from django.utils import timezone

from comments.models import Comment
from comments.sanitize import sanitize_comment
from pagecache.tags import COMMENTS, comments_tag, purge_now
from tests.factories import make_comment, make_reference

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


# The sources a long article cites, as an editor enters them.
REFERENCES = [
    ("topalian", "Topalian SL, et al. Safety, activity, and immune correlates of anti-PD-1 "
     "antibody in cancer. *N Engl J Med.* 2012;366:2443-54.", "10.1056/NEJMoa1200690"),
    ("june", "June CH, et al. CAR T cell immunotherapy for human cancer. *Science.* "
     "2018;359:1361-5.", "10.1126/science.aar6711"),
    ("durham", "Durham SR, Shamji MH. Allergen immunotherapy: past, present and future. "
     "*Nat Rev Immunol.* 2023;23:317-28.", "10.1038/s41577-022-00786-1"),
]  # fmt: skip


def cite_references(article):
    """Give the article three references, each cited once at the end of a paragraph."""
    for key, citation, doi in REFERENCES:
        make_reference(article, key, citation=citation, doi=doi)
    paragraphs = article.body.split("\n\n")
    cited = [n for n, text in enumerate(paragraphs) if text[:1].isalpha()][: len(REFERENCES)]
    for n, (key, _, _) in zip(cited, REFERENCES, strict=True):
        paragraphs[n] += f"[^{key}]"
    article.body = "\n\n".join(paragraphs)
    article.save()
    return article


def make_long_discussion(article, count=120):
    """`count` approved comments, two in three starting a thread (so more than one page
    of 50 threads), one in four signed with a website, written at once as make_thread does."""
    start = timezone.now() - timedelta(days=10)
    comments = []
    for n in range(count):
        _, _, name, website, text = DISCUSSION[n % len(DISCUSSION)]
        body = f"{text} ({n + 1})"
        comments.append(
            Comment(
                article=article,
                author_name=name,
                author_email=f"long-discussion{n}@example.net",
                author_url=website or (f"https://reader{n}.example.org/" if n % 4 == 0 else ""),
                body=body,
                body_html=sanitize_comment(body),
                status=Comment.Status.APPROVED,
                created_at=start + timedelta(minutes=n),
                ip_address="203.0.113.9",
            )
        )
    comments = Comment.objects.bulk_create(comments)
    for n, comment in enumerate(comments):
        if n % 3 == 2:
            comment.parent = comments[n - 1]
            comment.thread = comments[n - 1].thread or comments[n - 1]
    Comment.objects.bulk_update(comments, ["parent", "thread"])
    purge_now([COMMENTS, comments_tag(article.pk)])
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
# WCAG 2.2 AA brings the target-size rule (2.5.8: 24 px, or spaced as if).
AXE_WCAG22_TAGS = [*AXE_TAGS, "wcag22aa"]
# What Lighthouse's accessibility audits add: unique landmarks and the like.
AXE_ALL_TAGS = [*AXE_WCAG22_TAGS, "best-practice"]


def axe_violations(page, axe_source, *, tags=AXE_TAGS, impacts=("serious", "critical")):
    """Run axe-core in the page; return the violations of these impacts (None: any)."""
    page.add_script_tag(content=axe_source)
    result = page.evaluate(
        "async (tags) => await axe.run(document, {runOnly: {type: 'tag', values: tags}})",
        tags,
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
        if impacts is None or violation["impact"] in impacts
    ]
