from datetime import timedelta

import pytest
from django.utils import timezone

from articles.models import Article
from tests.factories import make_article, make_editor, make_tag


@pytest.fixture(autouse=True)
def fast_password_hashing(settings):
    """Every factory article has its own author; hashing their passwords slowly costs seconds."""
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture
def editor(db):
    return make_editor(first_name="Erin", last_name="Editor")


@pytest.fixture
def editor_client(client, editor):
    # force_login: django-axes needs a request object for client.login().
    client.force_login(editor)
    return client


@pytest.fixture
def hidden_tag(db):
    return make_tag("Zebrafish models", slug="zebrafish-models")


@pytest.fixture
def draft_article(db, hidden_tag):
    return make_article(
        title="Draft on zebrafish immunity",
        slug="draft-on-zebrafish-immunity",
        body="## Zebrafish\n\nA draft about zebrafish immunity.\n",
        status=Article.Status.DRAFT,
        published_at=None,
        tags=[hidden_tag],
    )


@pytest.fixture
def scheduled_article(db, hidden_tag):
    return make_article(
        title="Scheduled piece on zebrafish immunity",
        slug="scheduled-piece-on-zebrafish-immunity",
        body="## Zebrafish\n\nA scheduled piece about zebrafish immunity.\n",
        published_at=timezone.now() + timedelta(hours=2),
        tags=[hidden_tag],
    )


@pytest.fixture(params=["draft", "scheduled"])
def hidden_article(request):
    """An article readers must not see yet: once as a draft, once scheduled."""
    return request.getfixturevalue(f"{request.param}_article")
