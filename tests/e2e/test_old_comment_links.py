"""A reader following an old link to a comment (#comment-N, N its id on the old site)
lands on that comment, even where one of our own comments has the number N."""

import re

import pytest
from playwright.sync_api import expect

from tests.factories import make_comment
from tests.importers.helpers import import_wordpress, imported_article, imported_comment

pytestmark = pytest.mark.e2e


@pytest.fixture
def article(site):
    import_wordpress()
    article = imported_article(101)
    # As an editor does after reading the report: the image left on the old
    # site (which the content security policy blocks) is replaced.
    article.body = "The thymus is where T cells learn and grow."
    article.save()
    return article


def test_an_old_comment_link_finds_the_imported_comment(page, article):
    depth_five = imported_comment(205)
    page.goto(f"{article.get_absolute_url()}#comment-205")
    expect(page).to_have_url(re.compile(f"#comment-{depth_five.pk}$"))
    card = page.locator(f"#comment-{depth_five.pk}")
    expect(card).to_contain_text("Depth five.")
    expect(card).to_be_in_viewport()
    expect(page.locator(":target")).to_have_attribute("data-old-id", "205")


def test_a_shared_number_means_the_old_comment_from_elsewhere_and_ours_from_here(
    new_context, site, article
):
    old = imported_comment(201)
    # Comment 201 on the old site; our own comment 201 is on this page too.
    make_comment(article, pk=201, body="Our own comment number 201.")
    link = f"{article.get_absolute_url()}#comment-201"

    arriving = new_context().new_page()
    arriving.goto(link)
    expect(arriving).to_have_url(re.compile(f"#comment-{old.pk}$"))
    expect(arriving.locator(":target")).to_contain_text("Depth one: great post")

    from_here = new_context().new_page()
    from_here.goto(link, referer=site.url(article.get_absolute_url()))
    expect(from_here.locator(":target")).to_contain_text("Our own comment number 201.")
    expect(from_here).to_have_url(re.compile("#comment-201$"))


def test_an_old_comment_link_finds_the_imported_comment_on_another_page(
    page, article, discussion_rules
):
    discussion_rules(comments_per_page=1)
    orphan = imported_comment(210)  # a thread of its own, after thread 201's page
    page.goto(f"{article.get_absolute_url()}#comment-210")
    expect(page).to_have_url(re.compile(f"/comment-page-\\d+/#comment-{orphan.pk}$"))
    expect(page.locator(":target")).to_have_attribute("data-old-id", "210")
    expect(page.locator(":target")).to_be_in_viewport()
