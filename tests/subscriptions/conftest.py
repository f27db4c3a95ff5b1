import pytest

from tests.subscriptions.helpers import SITE


@pytest.fixture(autouse=True)
def site_url(settings):
    """Links in mail start with DJANGO_SITE_URL, an https address."""
    settings.SITE_URL = SITE
    return SITE
