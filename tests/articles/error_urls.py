"""The site's URLs plus two views that fail, to show the error pages readers get."""

from django.db import OperationalError
from django.urls import path

from immunoblog.urls import urlpatterns as site_urlpatterns


def broken_view(request):
    raise RuntimeError("a bug in a view")


def database_down_view(request):
    raise OperationalError("could not connect to server")


urlpatterns = [
    *site_urlpatterns,
    path("test-errors/bug/", broken_view, name="test_bug"),
    path("test-errors/database/", database_down_view, name="test_database_down"),
]

handler500 = "immunoblog.views.server_error"
