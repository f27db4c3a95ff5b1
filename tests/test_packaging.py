"""The install carries every app of the project, not only the ones a checkout finds by path."""

import fnmatch
import tomllib

from django.apps import apps

from tests.servers import ROOT


def test_every_app_of_this_project_is_in_the_installed_packages():
    config = tomllib.loads((ROOT / "pyproject.toml").read_text())
    patterns = config["tool"]["setuptools"]["packages"]["find"]["include"]
    ours = [app.name for app in apps.get_app_configs() if (ROOT / app.name).is_dir()]
    assert "outbox" in ours
    missing = [
        name for name in ours if not any(fnmatch.fnmatch(name, pattern) for pattern in patterns)
    ]
    assert missing == []
