"""Commenters' own privacy requests: ask for a link, then use it (see comments/selfservice.py)."""

from django.conf import settings
from django.core import signing
from django.http import JsonResponse
from django.shortcuts import redirect, render
from django.views.decorators.cache import never_cache
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_GET, require_http_methods

from guard.clientaddr import client_limit_address
from guard.origin import is_cross_site
from guard.siteurl import site_url

from . import selfservice
from .forms import PrivacyRequestForm
from .models import PrivacyRequest
from .signing import privacy_request_id_from_token
from .views import _csrf_passes


def _request_page(request, form, *, status=200, rate_limited=False, confirm=False):
    context = {
        "form": form,
        "rate_limited": rate_limited,
        "confirm": confirm,
        "ip_days": settings.COMMENT_IP_RETENTION_DAYS,
    }
    return render(request, "comments/privacy_request.html", context, status=status)


@csrf_exempt  # checked below: a stale token gets the form back with the address typed
@require_http_methods(["GET", "POST"])
@never_cache
def request_link(request):
    """Ask for a link to download or erase your data; the answer is the same for any address.

    Cheapest refusal first, as for a comment: another site's POST, then the
    per-client limit, then the CSRF token and the form; the per-address
    limit and the lookup come later (selfservice.request_link, the worker).
    """
    if request.method == "GET":
        return _request_page(request, PrivacyRequestForm())
    if is_cross_site(request):
        return render(request, "comments/cross_site.html", status=403)
    form = PrivacyRequestForm(request.POST)
    if not selfservice.client_allowed(client_limit_address(request)):
        return _request_page(request, form, status=429, rate_limited=True)
    if not _csrf_passes(request):
        return _request_page(request, form, status=403, confirm=True)
    if not form.is_valid():
        return _request_page(request, form, status=400)
    selfservice.request_link(
        form.cleaned_data["kind"], form.cleaned_data["email"], site_url(request)
    )
    return redirect("comments:privacy_sent")


@require_GET
@never_cache
def link_sent(request):
    return render(request, "comments/privacy_sent.html")


def _usable_request(token):
    """The privacy request a link names and may still act on, or the page that says why not."""
    try:
        pk = privacy_request_id_from_token(token)
    except signing.SignatureExpired:
        return None, "expired"
    except signing.BadSignature:
        return None, "invalid"
    privacy_request = PrivacyRequest.objects.filter(pk=pk).first()
    if privacy_request is None:
        return None, "expired"
    if not privacy_request.is_usable:
        return None, "used"
    return privacy_request, None


@require_http_methods(["GET", "POST"])
@never_cache
def confirm(request, token):
    """The mailed link: GET shows what the button will do; only the POST acts."""
    if request.method == "POST" and is_cross_site(request):
        return render(request, "comments/cross_site.html", status=403)
    privacy_request, problem = _usable_request(token)
    if problem:
        status = 404 if problem == "invalid" else 410
        return render(request, "comments/privacy_link_invalid.html", {"problem": problem},
                      status=status)  # fmt: skip
    is_erase = privacy_request.kind == PrivacyRequest.Kind.ERASE
    if request.method == "GET":
        return render(request, "comments/privacy_confirm.html", {"is_erase": is_erase})
    if is_erase:
        erased = selfservice.erase_for(privacy_request)
        return render(request, "comments/privacy_erased.html", {"erased": erased})
    document = selfservice.export_for(privacy_request, f"{request.scheme}://{request.get_host()}")
    response = JsonResponse(document, json_dumps_params={"indent": 2, "ensure_ascii": False})
    response["Content-Disposition"] = 'attachment; filename="my-comments.json"'
    return response
