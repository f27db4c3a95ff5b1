"""Shortcuts for the discussion tests: post like a browser, read the page like a reader."""

from bs4 import BeautifulSoup
from django.test import TestCase
from django.urls import reverse

POST_URL = reverse("comments:post")


def post_comment(client, data, **extra):
    """POST the form, running commit hooks (mail, cache invalidation) as a real commit would."""
    with TestCase.captureOnCommitCallbacks(execute=True):
        return client.post(POST_URL, data, **extra)


def soup(response):
    return BeautifulSoup(response.content.decode(), "html.parser")


def field_error(response, field_id):
    """The error message shown beside a field, or None."""
    page = soup(response)
    wrapper = page.find(id=f"div_id_{field_id}")
    if wrapper is None:
        return None
    error = wrapper.find(class_="invalid-feedback")
    return error.get_text(" ", strip=True) if error else None


def form_value(response, name):
    page = soup(response)
    element = page.find(attrs={"name": name})
    if element is None:
        return None
    if element.name == "textarea":
        return element.get_text().lstrip("\n")
    return element.get("value", "")


def comment_ids(response):
    """The ids of the comments listed on an article page, in page order."""
    page = soup(response)
    return [int(li["id"].removeprefix("comment-")) for li in page.select("li.comment")]
