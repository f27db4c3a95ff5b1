"""The Website field: one clear message for a bad address, and what was typed comes back."""

import pytest

from comments.models import Comment
from tests.comments.helpers import form_value, post_comment, soup
from tests.factories import comment_data

pytestmark = pytest.mark.django_db

BAD_WEBSITES = ["notaurl", "javascript:alert(1)", "http://"]
MESSAGE = "Please enter a website address starting with http:// or https://."


@pytest.mark.parametrize("website", BAD_WEBSITES)
def test_a_bad_website_is_told_once(client, seed_article, website):
    response = post_comment(client, comment_data(seed_article, url=website))
    assert response.status_code == 400
    beside_field = soup(response).find(id="div_id_url").find(class_="invalid-feedback")
    assert beside_field.get_text(" ", strip=True) == MESSAGE
    assert not Comment.objects.exists()


@pytest.mark.parametrize("website", BAD_WEBSITES)
def test_the_form_with_errors_gives_back_a_bad_website_in_a_text_box(client, seed_article, website):
    response = post_comment(client, comment_data(seed_article, url=website))
    field = soup(response).find("input", attrs={"name": "url"})
    assert field["value"] == website
    assert field["type"] == "text"
    assert field["inputmode"] == "url"


@pytest.mark.parametrize("website", BAD_WEBSITES)
def test_the_no_javascript_confirmation_page_keeps_a_bad_website_as_typed(
    csrf_client, seed_article, website
):
    headers = {"HTTP_ORIGIN": "http://testserver", "HTTP_SEC_FETCH_SITE": "same-origin"}
    response = post_comment(csrf_client, comment_data(seed_article, url=website), **headers)
    assert soup(response).find(attrs={"name": "csrfmiddlewaretoken"})  # can be sent again
    assert form_value(response, "url") == website
    assert soup(response).find("input", attrs={"name": "url"})["type"] != "url"
