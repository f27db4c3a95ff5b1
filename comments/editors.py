"""Editors on the public site: who counts as one, and the name and badge they comment under.

An editor is an active staff account allowed to change comments (the
Editors group grants it; superusers have it). Signed in, an editor's form
asks for the comment alone; the posting function fills in the author from
the account, publishes at once and flags the comment `is_by_editor`, which
the card prints as an "Editor" badge and the JSON-LD as a member of the
site's organisation.

Only a request that carries a session cookie is ever asked who its user is:
reading the session of a cookieless reader would add `Vary: Cookie` to the
shared article page and keep it out of every cache.
"""

from dataclasses import dataclass

from django.conf import settings

from articles.models import Person

from .models import MAX_EMAIL_LENGTH, MAX_NAME_LENGTH

EDITOR_PERMISSION = "comments.change_comment"


def is_editor(user):
    """May this account comment as an editor (published at once, with the badge)?

    Active staff with the permission to change comments: the Editors group,
    or a superuser. A signed-in reader without it comments as anyone does.
    """
    return bool(
        user is not None
        and user.is_authenticated
        and user.is_active
        and user.is_staff
        and user.has_perm(EDITOR_PERMISSION)
    )


def public_name(user):
    """The name an editor's comments are signed with: the one place it is decided.

    The name of the Person their account writes as, when it has one (as
    their bylines show it); else their full name ("Ada Lovelace", or the
    first name alone); never the username, which is half of their login. An
    account without a name signs with the site's name.
    """
    person_name = Person.objects.for_user(user).values_list("name", flat=True).first()
    name = " ".join((person_name or user.get_full_name()).split())
    return (name or settings.SITE_NAME)[:MAX_NAME_LENGTH]


def author_fields(user):
    """The form values an editor never types: the author as the posting function stores it.

    An address longer than a comment can hold is left out rather than cut.
    """
    email = user.email if len(user.email or "") <= MAX_EMAIL_LENGTH else ""
    return {"author": public_name(user), "email": email, "url": "", "notify": False,
            "commenter_key": ""}  # fmt: skip


@dataclass(frozen=True)
class Editor:
    """The editor viewing a page, as the discussion shows them."""

    user: object
    name: str


def editor_from_request(request):
    """The signed-in editor making this request, or None (without reading a reader's session)."""
    if request is None or settings.SESSION_COOKIE_NAME not in request.COOKIES:
        return None
    user = getattr(request, "user", None)
    return Editor(user, public_name(user)) if is_editor(user) else None


def author_schema(name):
    """An editor's comment in JSON-LD: a person speaking for the site's organisation."""
    return {
        "@type": "Person",
        "name": name,
        "worksFor": {"@type": "Organization", "name": settings.SITE_NAME, "url": "/"},
    }
