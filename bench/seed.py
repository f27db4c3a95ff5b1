"""Articles with N approved, threaded comments, written through the ORM.

Comments are created with `Comment.objects.create`, so each is sanitised by
the model exactly as a real one is (cards are rendered per request). The text is generated
from a fixed seed: bodies of very different lengths, a few links and inline
tags, and replies nesting down to the default depth limit of five.
"""

import collections
import random
from dataclasses import dataclass
from datetime import timedelta

MAX_DEPTH = 5
SOURCE_SLUG = "unlocking-the-power-of-immunotherapy"
REPLY_SHARE = 0.45
CHAIN_SHARE = 0.6
LINK_SHARE = 0.06
WEBSITE_SHARE = 0.15
COMMENTS_SPAN = timedelta(days=30)

NAMES = [
    "Maria Gonzalez", "James O’Connor", "Priya Raman", "Tomasz Kowalski", "Aisha Bello",
    "Lena Fischer", "Kenji Watanabe", "Sophie Martin", "David Cohen", "Grace Okafor",
    "Ahmed Hassan", "Emily Clarke", "Lucas Silva", "Nadia Petrova", "Oliver Brown",
    "Chen Wei", "Fatima Zahra", "Robert Miller", "Ingrid Johansson", "Dr. Paul Meyer",
    "nurse_jackie", "Anonymous", "Marco Rossi", "Hannah Schmidt", "Sam",
]  # fmt: skip
SENTENCES = [
    "Thank you for writing this, it is the clearest explanation I have read so far.",
    "My father started pembrolizumab last spring for stage 4 lung cancer and his last scan "
    "showed the tumours shrinking.",
    "I wish the section on side effects had mentioned how tired you can feel for weeks.",
    "Does anyone know whether immunotherapy is covered when it is given as part of a trial?",
    "The part about checkpoint inhibitors finally made it click for me.",
    "CAR-T sounds amazing, but the waiting list at our hospital is six months long.",
    "Allergy shots changed my life: after three years I barely notice the birch season.",
    "Please be careful with the word “cure”; remission is not the same thing.",
    "My oncologist said the same thing about PD-L1 testing before starting treatment.",
    "I had colitis as a side effect and it was caught early because I reported it at once.",
    "Is there any evidence that diet changes how well these drugs work?",
    "Great overview. A follow-up on cancer vaccines would be very welcome.",
    "We went through CAR-T with my sister in 2023 and the cytokine storm was frightening, "
    "but she has been in remission for over a year now.",
    "I am a nurse on an oncology ward and I will share this with our patients’ families.",
    "The cost is what nobody talks about, and it is enormous.",
    "Sublingual tablets worked better for me than the injections did.",
    "How long after the last infusion can side effects still appear?",
    "This is exactly what my doctor tried to explain, thank you for putting it in writing.",
    "Immunotherapy did not work for my mother, but it bought her time with her grandchildren.",
    "Some of the newer bispecific antibodies deserve a mention too.",
    "I found the table of contents really useful on my phone.",
    "Rashes and itching were my main side effects; a good moisturiser helped a lot.",
    "Could you explain the difference between innate and adaptive immunity in a future post?",
    "Thanks!",
    "Agreed.",
    "Same experience here.",
]
FORMATTED = [
    "I <em>strongly</em> recommend asking for a second opinion before starting.",
    "<strong>Important:</strong> report any new cough or shortness of breath straight away.",
    "<blockquote>It works with the body’s natural defence mechanisms</blockquote> "
    "That line says it all.",
    "The trial registry lists it under <code>NCT-0000-0000</code> if anyone is looking.",
]
LINKS = [
    "There is a good patient guide at https://example.org/guides/immunotherapy-side-effects",
    'Our support group keeps a list: <a href="https://example.com/support/lung">lung cancer '
    "support</a>.",
    "I wrote about my own treatment here: https://example.net/blog/my-car-t-year",
]
USER_AGENT = (
    "Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) "
    "Chrome/126.0 Safari/537.36"
)


@dataclass(frozen=True)
class SeededArticle:
    size: int
    pk: int
    slug: str
    path: str
    depths: dict


def comment_body(rng):
    """One to three paragraphs, from a one-word reply to a long story."""
    paragraphs = []
    for _ in range(rng.choices([1, 2, 3], weights=[6, 3, 1])[0]):
        count = rng.choices([1, 2, 3, 5], weights=[4, 3, 2, 1])[0]
        sentences = rng.sample(SENTENCES, count)
        if rng.random() < 0.1:
            sentences.append(rng.choice(FORMATTED))
        paragraphs.append(" ".join(sentences))
    if rng.random() < LINK_SHARE:
        paragraphs.append(rng.choice(LINKS))
    return "\n\n".join(paragraphs)


def choose_parent(rng, depths, index):
    """None for a top-level comment, else the index of an earlier comment above the depth limit.

    The first comments form one chain down to the limit, so every size shows
    a reply at full depth; later ones mostly answer a recent comment.
    """
    open_comments = [i for i, depth in enumerate(depths) if depth < MAX_DEPTH]
    if 0 < index < MAX_DEPTH:
        return index - 1
    if not open_comments or rng.random() >= REPLY_SHARE:
        return None
    if rng.random() < CHAIN_SHARE:
        return open_comments[-1]
    return rng.choice(open_comments)


def author(rng, index):
    name = rng.choice(NAMES)
    handle = "".join(char for char in name.lower() if char.isalnum())
    website = f"https://example.org/~{handle}" if rng.random() < WEBSITE_SHARE else ""
    return name, f"{handle}{index % 37}@example.net", website


def create_article(size, source, days_ago):
    from django.utils import timezone

    from articles.models import Article

    article = Article.objects.create(
        title=source.title,
        slug=f"immunotherapy-with-{size}-comments",
        author=source.author,
        excerpt=source.excerpt,
        body=source.body,
        meta_description=source.meta_description,
        seo_keywords=source.seo_keywords,
        status=Article.Status.PUBLISHED,
        published_at=timezone.now() - timedelta(days=days_ago),
    )
    article.tags.set(source.tags.all())
    # Written when published, not "Updated" on the day of the benchmark.
    Article.objects.filter(pk=article.pk).update(
        updated_at=article.published_at, content_changed_at=article.published_at
    )
    article.refresh_from_db()
    return article


def add_comments(article, size):
    from comments.models import Comment

    rng = random.Random(size)
    step = COMMENTS_SPAN / max(size, 1)
    created_at = article.published_at + timedelta(hours=1)
    comments, depths = [], []
    for index in range(size):
        name, email, website = author(rng, index)
        created_at += step * rng.uniform(0.2, 1.8)
        parent = choose_parent(rng, depths, index)
        comment = Comment.objects.create(
            article=article,
            parent=None if parent is None else comments[parent],
            author_name=name,
            author_email=email,
            author_url=website,
            body=comment_body(rng),
            status=Comment.Status.APPROVED,
            ip_address=f"203.0.113.{rng.randrange(1, 255)}",
            user_agent=USER_AGENT,
            created_at=created_at,
        )
        comments.append(comment)
        depths.append(1 if parent is None else depths[parent] + 1)
    return collections.Counter(depths)


def seed(sizes):
    """One published article per size, each with that many approved comments."""
    from django.db import transaction

    from articles.models import Article

    source = Article.objects.get(slug=SOURCE_SLUG)
    seeded = []
    for position, size in enumerate(sizes):
        with transaction.atomic():
            article = create_article(size, source, days_ago=60 + position)
            depths = dict(sorted(add_comments(article, size).items()))
        url = article.get_absolute_url()
        seeded.append(SeededArticle(size, article.pk, article.slug, url, depths))
    return seeded
