"""The migration that turns user authors into people, run forwards and backwards."""

import pytest
from django.utils import timezone

from tests.migrating import migrate

BEFORE = [("articles", "0002_immunotherapy_article")]
AFTER = [("articles", "0003_people_references_corrections")]


@pytest.fixture
def before(back_to_latest):
    """The database as it was before people: authors are user accounts."""
    return migrate(BEFORE)


def test_user_authors_become_people_linked_to_their_accounts(before):
    User = before.get_model("auth", "User")
    Article = before.get_model("articles", "Article")
    grace = User.objects.create(username="ghopper", first_name="Grace", last_name="Hopper")
    anon = User.objects.create(username="kit")
    stamp = timezone.now() - timezone.timedelta(days=30)
    for author, slug in [(grace, "one"), (grace, "two"), (anon, "three")]:
        Article.objects.create(
            title=slug, slug=slug, author=author, body="Text.", status="draft", updated_at=stamp
        )
    Article.objects.filter(slug__in=["one", "two", "three"]).update(updated_at=stamp)

    after = migrate(AFTER)

    Person = after.get_model("articles", "Person")
    Article = after.get_model("articles", "Article")
    people = {person.user.username: person for person in Person.objects.select_related("user")}
    assert people["ghopper"].name == "Grace Hopper"
    assert people["ghopper"].slug == "grace-hopper"
    assert people["kit"].name == "kit"
    assert people["editorial"].name == "Immunoblog Editorial Team"
    assert {
        a.slug: a.author.name for a in Article.objects.filter(slug__in=["one", "two", "three"])
    } == {
        "one": "Grace Hopper",
        "two": "Grace Hopper",
        "three": "kit",
    }
    assert {a.content_changed_at for a in Article.objects.filter(slug__in=["one", "two"])} == {
        stamp
    }
    assert after.get_model("articles", "MedicalDisclaimer").objects.count() == 1


def test_people_go_back_to_user_authors(before):
    after = migrate(AFTER)
    User = after.get_model("auth", "User")
    Person = after.get_model("articles", "Person")
    Article = after.get_model("articles", "Article")
    unlinked = Person.objects.create(name="Ada Lovelace", slug="ada-lovelace")
    Article.objects.create(title="Engines", slug="engines", author=unlinked, body="Text.")

    apps = migrate(BEFORE)

    Article = apps.get_model("articles", "Article")
    assert Article.objects.get(slug="engines").author.username == "author-ada-lovelace"
    assert Article.objects.get(slug="engines").author.first_name == "Ada"
    seed = Article.objects.exclude(slug="engines").get()
    assert seed.author.username == "editorial"
    assert User.objects.filter(username="editorial").count() == 1
