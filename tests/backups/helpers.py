"""A small site to back up: articles, people, references, tags and threads of comments."""

from articles.models import Article
from comments.models import Comment
from subscriptions.models import Commenter, Subscription
from tests.conftest import SEED_SLUG
from tests.factories import make_article, make_reference, make_tag, make_thread


def some_discussion():
    """Run in `manage.py shell` against the database to back up."""
    article = make_article(tags=[make_tag("Vaccines")], title="T cells, briefly")
    make_reference(article, "smith2020")
    for target in (article, Article.objects.get(slug=SEED_SLUG)):
        make_thread(target, 8)
    make_thread(article, 3, status=Comment.Status.PENDING)
    commenter = Commenter.objects.create(email="thread-reader1@example.net")
    Subscription.objects.create(comment=Comment.objects.first(), commenter=commenter)
