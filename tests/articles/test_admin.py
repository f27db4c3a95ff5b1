"""The editors' console for articles, used by a member of the Editors group."""

from datetime import timedelta

import pytest
from django.contrib.auth.models import Group, Permission
from django.urls import reverse
from django.utils import timezone

from articles.models import META_DESCRIPTION_LENGTH, Article
from tests.articles.helpers import html, text_of
from tests.factories import make_article, make_person, make_tag

CHANGELIST = "admin:articles_article_changelist"


def change_url(article):
    return reverse("admin:articles_article_change", args=[article.pk])


def changelist_titles(response):
    return [text_of(cell) for cell in html(response).select("#result_list th.field-title")]


@pytest.fixture
def mixed_articles(db):
    tag = make_tag("Vaccines", slug="vaccines")
    published = make_article(title="Published vaccine news", tags=[tag])
    draft = make_article(
        title="Draft about antibodies", status=Article.Status.DRAFT, published_at=None
    )
    return published, draft, tag


# --- Changelist -----------------------------------------------------------------


def test_editor_can_open_the_article_changelist(editor_client, seed_article):
    response = editor_client.get(reverse(CHANGELIST))
    assert response.status_code == 200
    assert seed_article.title in changelist_titles(response)


def test_changelist_shows_each_articles_tags(editor_client, mixed_articles):
    soup = html(editor_client.get(reverse(CHANGELIST)))
    cells = [text_of(cell) for cell in soup.select("#result_list td.field-tag_list")]
    assert "Vaccines" in cells


def test_changelist_filters_by_status(editor_client, mixed_articles):
    published, draft, _ = mixed_articles
    response = editor_client.get(reverse(CHANGELIST), {"status__exact": "draft"})
    assert changelist_titles(response) == [draft.title]


def test_changelist_filters_by_tag(editor_client, mixed_articles):
    published, _, tag = mixed_articles
    response = editor_client.get(reverse(CHANGELIST), {"tags__id__exact": tag.pk})
    assert changelist_titles(response) == [published.title]


def test_changelist_offers_the_status_and_tag_filters(editor_client, mixed_articles):
    soup = html(editor_client.get(reverse(CHANGELIST)))
    filters = text_of(soup.select_one("#changelist-filter"))
    assert "By status" in filters
    assert "By tags" in filters


def test_changelist_search_finds_articles_by_title(editor_client, mixed_articles):
    response = editor_client.get(reverse(CHANGELIST), {"q": "antibodies"})
    assert changelist_titles(response) == ["Draft about antibodies"]


def test_changelist_search_finds_articles_by_body(editor_client, seed_article, mixed_articles):
    response = editor_client.get(reverse(CHANGELIST), {"q": "rheumatoid"})
    assert changelist_titles(response) == [seed_article.title]


# --- Add and change forms ----------------------------------------------------


def test_editor_can_open_the_add_form(editor_client):
    response = editor_client.get(reverse("admin:articles_article_add"))
    assert response.status_code == 200
    assert html(response).find("input", attrs={"name": "title"}) is not None


def test_add_form_proposes_the_editors_person_as_author(editor_client, editor):
    person = make_person("Edith Editor", user=editor)
    soup = html(editor_client.get(reverse("admin:articles_article_add")))
    selected = soup.find("select", attrs={"name": "author"}).find("option", selected=True)
    assert selected["value"] == str(person.pk)
    assert selected.text == "Edith Editor"


def test_add_form_proposes_no_author_to_an_editor_without_a_person(editor_client):
    soup = html(editor_client.get(reverse("admin:articles_article_add")))
    assert soup.find("select", attrs={"name": "author"}).find("option", selected=True) is None


@pytest.fixture
def change_form(editor_client, seed_article):
    response = editor_client.get(change_url(seed_article))
    assert response.status_code == 200
    return html(response)


def test_change_form_has_the_search_engines_fieldset(change_form):
    heading = change_form.find("h2", string="Search engines")
    fieldset = heading.find_parent("fieldset")
    names = {field["name"] for field in fieldset.find_all(["input", "textarea", "select"])}
    assert names == {"meta_description", "seo_keywords"}


def test_change_form_shows_the_recommended_meta_description_length(change_form):
    field = change_form.find("textarea", attrs={"name": "meta_description"})
    help_text = change_form.find(id=field["aria-describedby"])
    assert f"about {META_DESCRIPTION_LENGTH} characters" in text_of(help_text)
    assert field["data-recommended-length"] == str(META_DESCRIPTION_LENGTH)


def test_change_form_loads_the_meta_description_length_counter(change_form):
    sources = [script.get("src", "") for script in change_form.find_all("script")]
    assert "/static/articles/admin/meta-length.js" in sources


def test_change_form_shows_seo_keywords_as_one_comma_separated_line(change_form, seed_article):
    field = change_form.find("textarea", attrs={"name": "seo_keywords"})
    assert field.get_text().strip() == ", ".join(seed_article.seo_keywords)


def test_change_form_does_not_offer_the_rendered_html(change_form):
    assert change_form.find(attrs={"name": "body_html"}) is None


def test_tag_autocomplete_suggests_matching_tags(editor_client, seed_article):
    response = editor_client.get(
        reverse("admin:autocomplete"),
        {"app_label": "articles", "model_name": "article", "field_name": "tags", "term": "imm"},
    )
    assert response.status_code == 200
    suggestions = {result["text"]: result["id"] for result in response.json()["results"]}
    tags = seed_article.tags.filter(name__in=["Autoimmune diseases", "Immunotherapy"])
    assert suggestions == {tag.name: str(tag.pk) for tag in tags}


# --- View on site ---------------------------------------------------------------


def view_on_site(editor_client, article):
    link = html(editor_client.get(change_url(article))).find("a", class_="viewsitelink")
    return link["href"]


def test_view_on_site_opens_the_preview_of_a_draft(editor_client, draft_article):
    expected = reverse("articles:preview", kwargs={"pk": draft_article.pk})
    assert view_on_site(editor_client, draft_article) == expected


def test_view_on_site_opens_the_preview_of_a_scheduled_article(editor_client, scheduled_article):
    expected = reverse("articles:preview", kwargs={"pk": scheduled_article.pk})
    assert view_on_site(editor_client, scheduled_article) == expected


def test_view_on_site_opens_the_public_page_of_a_published_article(editor_client, seed_article):
    assert view_on_site(editor_client, seed_article) == seed_article.get_absolute_url()


def test_view_on_site_link_of_a_draft_works_for_the_editor(editor_client, draft_article):
    response = editor_client.get(view_on_site(editor_client, draft_article))
    assert response.status_code == 200


# --- Posting the add form ---------------------------------------------------------


def no_inlines(**counts):
    """The management forms of the article's references and corrections inlines."""
    data = {}
    for prefix in ("references", "corrections"):
        data[f"{prefix}-TOTAL_FORMS"] = str(counts.get(prefix, 0))
        data[f"{prefix}-INITIAL_FORMS"] = "0"
        data[f"{prefix}-MIN_NUM_FORMS"] = "0"
        data[f"{prefix}-MAX_NUM_FORMS"] = "1000"
    return data


@pytest.fixture
def new_article_data(editor, seed_article):
    tags = seed_article.tags.filter(slug__in=["cancer", "car-t"])
    return {
        **no_inlines(),
        "title": "CAR-T for solid tumours",
        "slug": "car-t-for-solid-tumours",
        "author": str(make_person("Edith Editor", user=editor).pk),
        "excerpt": "Why CAR-T works in blood cancers and struggles elsewhere.",
        "body": "## Why\n\nSolid tumours are harder to reach.\n",
        "tags": [str(tag.pk) for tag in tags],
        "status": Article.Status.PUBLISHED,
        "published_at_0": "",
        "published_at_1": "",
        "allow_comments": "on",
        "comments_close_at_0": "",
        "comments_close_at_1": "",
        "meta_description": "CAR-T cell therapy and solid tumours.",
        "seo_keywords": (
            "car-t solid tumours,  CAR-T cell therapy , car-t solid tumours\nimmunotherapy"
        ),
    }


def post_new_article(editor_client, data):
    response = editor_client.post(reverse("admin:articles_article_add"), data)
    assert response.status_code == 302, html(response).select(".errorlist")
    return Article.objects.get(slug=data["slug"])


def test_posting_the_add_form_creates_a_published_article(editor_client, new_article_data):
    article = post_new_article(editor_client, new_article_data)
    assert article.status == Article.Status.PUBLISHED
    assert article.is_public


def test_posted_article_gets_its_tags(editor_client, new_article_data):
    article = post_new_article(editor_client, new_article_data)
    assert {tag.slug for tag in article.tags.all()} == {"cancer", "car-t"}


def test_posted_article_body_is_rendered_at_save(editor_client, new_article_data):
    article = post_new_article(editor_client, new_article_data)
    assert article.body_html == '<h2 id="why">Why</h2>\n<p>Solid tumours are harder to reach.</p>'


def test_publishing_without_a_date_publishes_now(editor_client, new_article_data):
    before = timezone.now()
    article = post_new_article(editor_client, new_article_data)
    assert before <= article.published_at <= timezone.now()


def test_posted_seo_keywords_are_stored_as_an_ordered_list(editor_client, new_article_data):
    article = post_new_article(editor_client, new_article_data)
    assert article.seo_keywords == [
        "car-t solid tumours",
        "CAR-T cell therapy",
        "immunotherapy",
    ]


def test_posted_article_is_readable_at_its_public_address(client, editor_client, new_article_data):
    article = post_new_article(editor_client, new_article_data)
    client.logout()
    assert client.get(article.get_absolute_url()).status_code == 200


def test_a_future_publication_date_schedules_the_article(editor_client, new_article_data):
    tomorrow = timezone.localtime() + timedelta(days=1)
    new_article_data["published_at_0"] = tomorrow.strftime("%Y-%m-%d")
    new_article_data["published_at_1"] = tomorrow.strftime("%H:%M:%S")
    article = post_new_article(editor_client, new_article_data)
    assert not article.is_public
    assert Article.objects.scheduled().filter(pk=article.pk).exists()


def test_too_many_seo_keywords_are_refused(editor_client, new_article_data):
    new_article_data["seo_keywords"] = ", ".join(f"phrase {n}" for n in range(21))
    response = editor_client.post(reverse("admin:articles_article_add"), new_article_data)
    assert response.status_code == 200
    assert "Use at most 20 key phrases." in text_of(html(response).select_one(".errorlist"))
    assert not Article.objects.filter(slug=new_article_data["slug"]).exists()


def test_comments_cannot_close_before_publication(editor_client, new_article_data):
    new_article_data.update(
        published_at_0="2030-01-02",
        published_at_1="09:00:00",
        comments_close_at_0="2030-01-01",
        comments_close_at_1="09:00:00",
    )
    response = editor_client.post(reverse("admin:articles_article_add"), new_article_data)
    assert "Comments cannot close before the article is published." in text_of(
        html(response).select_one(".errorlist")
    )


# --- Permissions -----------------------------------------------------------------


def test_editors_group_has_no_user_management_permissions(db):
    editors = Group.objects.get(name="Editors")
    assert not editors.permissions.filter(content_type__app_label="auth").exists()


def test_editors_group_can_add_change_and_delete_articles(db):
    editors = Group.objects.get(name="Editors")
    codenames = set(editors.permissions.values_list("codename", flat=True))
    assert {"add_article", "change_article", "delete_article", "view_article"} <= codenames


def test_editor_cannot_open_the_user_admin(editor_client):
    assert editor_client.get(reverse("admin:auth_user_changelist")).status_code == 403


def test_editor_cannot_open_the_group_admin(editor_client):
    assert editor_client.get(reverse("admin:auth_group_changelist")).status_code == 403


def test_editor_is_not_offered_user_management_on_the_admin_index(editor_client):
    soup = html(editor_client.get(reverse("admin:index")))
    assert soup.find("a", href=reverse("admin:auth_user_changelist")) is None


def test_only_editors_permissions_reach_a_new_editor(editor):
    # Besides articles and the discussion, editors may read the purges that
    # failed, the rate-limit counters and the record of mail sent, and see
    # (and end follows of) the commenters who confirmed their address, and
    # read what imports did (and delete what goes with an imported article,
    # or the record that keeps a deleted import out), and see which task
    # workers are beating.
    granted = editor.get_all_permissions() - {
        "pagecache.view_purgefailure",
        "health.view_workerheartbeat",
        "guard.view_ratecounter",
        "outbox.view_mail",
        "importers.view_importrun",
        "importers.view_oldaddress",
        "importers.view_pingback",
        "importers.delete_oldaddress",
        "importers.delete_pingback",
        "importers.view_deletedimport",
        "importers.delete_deletedimport",
    }
    assert {perm.split(".")[0] for perm in granted} <= {"articles", "comments", "subscriptions"}
    assert {perm for perm in granted if perm.startswith("subscriptions.")} == {
        "subscriptions.view_commenter",
        "subscriptions.view_verification",
        "subscriptions.view_commenterkey",
        "subscriptions.view_subscription",
        "subscriptions.delete_subscription",
        "subscriptions.view_notice",
    }
    assert not Permission.objects.filter(user=editor).exists()
