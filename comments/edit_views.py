"""Editing your own comment: the page with its form, and the POST that saves it."""

from django.shortcuts import redirect, render
from django.views.decorators.cache import never_cache
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_http_methods

from guard.clientaddr import client_address
from guard.origin import is_cross_site

from . import ratelimit
from .editing import EditRefused, comment_for_edit, edit_comment, edit_deadline
from .forms import EditForm
from .models import DiscussionSettings
from .services import Client
from .thread import display_datetime
from .views import _csrf_passes, _posted_data

ERROR_STATUS = {"invalid": 400, "too_many_edits": 409}


def _edit_page(request, form, *, comment=None, status=200, confirm=False, rate_limited=False):
    context = {
        "form": form,
        "comment": comment,
        "confirm": confirm,
        "confirmed": confirm or form.data.get("confirmed") == "1",
        "rate_limited": rate_limited,
    }
    if comment is not None:
        deadline = edit_deadline(comment, DiscussionSettings.load())
        context["deadline_display"] = display_datetime(deadline.replace(microsecond=0))
        context["deadline_iso"] = deadline.replace(microsecond=0).isoformat()
    return render(request, "comments/edit_form.html", context, status=status)


def _refused(request, refusal, typed=""):
    """403, with the reason and, after a POST, the text that was typed (for copying)."""
    context = {"refusal": refusal, "typed": typed}
    return render(request, "comments/edit_refused.html", context, status=403)


@csrf_exempt  # checked below: a stale token gets the form back with the text, not a bare 403
@require_http_methods(["GET", "POST"])
@never_cache
def edit(request, pk, token):
    """Show or save the author's edit of their comment, within the editing window.

    The same order as a post, cheapest refusal first: another site's POST,
    then the rate limit (before anything is validated or sanitised), then
    the token and the window, then the CSRF token, and only then the edit.
    """
    if request.method == "GET":
        try:
            comment = comment_for_edit(pk, token)
        except EditRefused as refusal:
            return _refused(request, refusal)
        return _edit_page(request, EditForm(initial={"comment": comment.body}), comment=comment)
    if is_cross_site(request):
        return render(request, "comments/cross_site.html", status=403)
    data = _posted_data(request)
    typed = str(data.get("comment", ""))
    if not ratelimit.allow(client_address(request)):
        return _edit_page(request, EditForm(data).unchecked(), status=429, rate_limited=True)
    try:
        comment = comment_for_edit(pk, token)
        if not _csrf_passes(request):
            return _edit_page(request, EditForm(data), comment=comment, confirm=True)
        # Saved from the "Please check your change" page, which another site may have
        # led to: no editor's privilege for it, whoever is signed in.
        client = Client.from_request(request, stranger=data.get("confirmed") == "1")
        result = edit_comment(comment, data, client)
    except EditRefused as refusal:
        return _refused(request, refusal, typed)
    if result.error_code:
        status = ERROR_STATUS[result.error_code]
        return _edit_page(request, result.form, comment=comment, status=status)
    return redirect(result.comment.author_url_for_status(note="saved"))
