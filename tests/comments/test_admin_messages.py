"""Saving a one-row page in the admin says so in plain words and stays on the page."""

import pytest
from django.contrib.messages import get_messages
from django.test import Client
from django.urls import reverse

from articles.models import MedicalDisclaimer
from comments.models import EditorMailPreference
from tests.comments.test_pages import settings_form
from tests.factories import make_editor

pytestmark = pytest.mark.django_db


@pytest.fixture
def editor_client():
    client = Client()
    client.force_login(make_editor())
    return client


def saved(client, url, data):
    response = client.post(url, data)
    assert response.status_code == 302
    assert response["Location"] == url
    return [str(message) for message in get_messages(response.wsgi_request)]


def test_saving_the_discussion_settings_says_they_were_saved(editor_client):
    url = reverse("admin:comments_discussionsettings_change", args=[1])
    assert saved(editor_client, url, settings_form()) == ["The discussion settings were saved."]


def test_saving_the_medical_disclaimer_says_it_was_saved(editor_client):
    disclaimer = MedicalDisclaimer.load()
    url = reverse("admin:articles_medicaldisclaimer_change", args=[disclaimer.pk])
    assert saved(editor_client, url, {"text": "Not medical advice."}) == [
        "The medical disclaimer was saved."
    ]


def test_saving_my_moderation_mail_says_the_choice_was_saved(editor_client):
    editor_client.get(reverse("admin:comments_editormailpreference_changelist"))
    mine = EditorMailPreference.objects.get()
    url = reverse("admin:comments_editormailpreference_change", args=[mine.pk])
    assert saved(editor_client, url, {"published_comments": "on"}) == [
        "Your choice of moderation mail was saved."
    ]
