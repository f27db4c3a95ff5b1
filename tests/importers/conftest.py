import pytest

from tests.factories import make_editor


@pytest.fixture
def editor_client(client):
    """The test client, signed in as an editor who is not a superuser."""
    client.force_login(make_editor())
    return client
