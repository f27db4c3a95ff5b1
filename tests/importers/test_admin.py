"""Editors read past imports, their reports, old addresses and pingbacks; nobody edits them."""

import pytest
from django.contrib.auth.models import Group
from django.urls import reverse
from django.utils.html import strip_tags

from importers.models import ImportRun, OldAddress, Pingback

from .helpers import WORDPRESS_EXPORT, import_seed_export, import_wordpress

pytestmark = pytest.mark.django_db


@pytest.fixture
def run(db):
    import_wordpress(WORDPRESS_EXPORT, "--dry-run")
    import_wordpress()
    return ImportRun.objects.get(is_dry_run=False)


def test_an_editor_sees_past_imports_listed(editor_client, run):
    response = editor_client.get(reverse("admin:importers_importrun_changelist"))
    assert response.status_code == 200
    page = response.content.decode()
    assert page.count("wordpress.xml") == 2
    assert "2 imports" in page


def test_an_editor_reads_a_report_without_a_save_button(editor_client, run):
    url = reverse("admin:importers_importrun_change", args=[run.pk])
    response = editor_client.get(url)
    assert response.status_code == 200
    page = response.content.decode()
    assert "Posts: 6 imported (2 published, 1 scheduled, 3 drafts)" in page
    assert 'name="_save"' not in page
    editor_client.post(url, {"file_name": "other.xml"})
    run.refresh_from_db()
    assert run.file_name == "wordpress.xml"


@pytest.mark.parametrize("model", ["importrun", "oldaddress", "pingback"])
def test_an_editor_lists_each_record_of_an_import(editor_client, run, model):
    response = editor_client.get(reverse(f"admin:importers_{model}_changelist"))
    assert response.status_code == 200


def test_pingbacks_are_listed_for_editors(editor_client, run):
    response = editor_client.get(reverse("admin:importers_pingback_changelist"))
    assert "Another Blog – Immunology" in response.content.decode()


@pytest.mark.parametrize("model", [ImportRun, OldAddress, Pingback])
def test_nobody_adds_import_records(admin_client, run, model):
    name = model._meta.model_name
    assert admin_client.get(reverse(f"admin:importers_{name}_add")).status_code == 403


def test_nobody_deletes_the_record_of_a_run(admin_client, run):
    delete = reverse("admin:importers_importrun_delete", args=[run.pk])
    assert admin_client.post(delete, {"post": "yes"}).status_code == 403
    assert ImportRun.objects.filter(pk=run.pk).exists()


@pytest.mark.parametrize("model", [OldAddress, Pingback])
def test_an_editor_may_delete_an_old_address_or_a_pingback(editor_client, run, model):
    row = model.objects.first()
    delete = reverse(f"admin:importers_{model._meta.model_name}_delete", args=[row.pk])
    assert editor_client.post(delete, {"post": "yes"}).status_code == 302
    assert not model.objects.filter(pk=row.pk).exists()


def test_an_editor_may_delete_an_imported_article_with_its_old_addresses(editor_client, run):
    article = OldAddress.objects.first().article
    delete = reverse("admin:articles_article_delete", args=[article.pk])
    assert editor_client.post(delete, {"post": "yes"}).status_code == 302
    assert not OldAddress.objects.filter(article_id=article.pk).exists()


def test_the_editors_group_may_view_import_records_and_delete_some(db):
    granted = Group.objects.get(name="Editors").permissions.filter(
        content_type__app_label="importers"
    )
    assert sorted(granted.values_list("codename", flat=True)) == [
        "delete_deletedimport", "delete_oldaddress", "delete_pingback", "view_deletedimport",
        "view_importrun", "view_oldaddress", "view_pingback",
    ]  # fmt: skip


def test_an_editor_sees_which_tag_or_person_an_old_address_goes_to(editor_client, seed_article):
    import_seed_export()
    response = editor_client.get(reverse("admin:importers_oldaddress_changelist"))
    rows = {
        strip_tags(row.split("</th>")[0]).strip(): row
        for row in response.content.decode().split('<th class="field-path">')[1:]
    }
    assert "Immunotherapy" in rows["/category/immunotherapy/"]
    assert "Immunoblog Editorial Team" in rows["/author/admin/"]
