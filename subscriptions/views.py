"""The two pages mail links open: confirming an address, and unsubscribing.

Both change something only on POST, so a mail scanner that follows links
changes nothing. Neither says whether an address was known before.
"""

from django.core import signing
from django.shortcuts import render
from django.views.decorators.cache import never_cache
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_http_methods

from . import services
from .models import Verification
from .signing import commenter_id_from_token, verification_id_from_token


def _invalid(request, *, expired=False):
    status = 410 if expired else 404
    return render(request, "subscriptions/link_invalid.html", {"expired": expired}, status=status)


@require_http_methods(["GET", "HEAD", "POST"])
@never_cache
def confirm(request, token):
    """GET shows a button; its POST verifies the address and hands this browser a key."""
    try:
        verification_id = verification_id_from_token(token)
    except signing.SignatureExpired:
        return _invalid(request, expired=True)
    except signing.BadSignature:
        return _invalid(request)
    verification = (
        Verification.objects.select_related("commenter", "comment__article")
        .filter(pk=verification_id)
        .first()
    )
    if verification is None:
        return _invalid(request)
    if request.method != "POST":
        return render(request, "subscriptions/confirm.html")
    key = services.confirm(verification)
    context = {
        "key": key,
        "email": verification.commenter.email,
        "comment": verification.comment,
        "comment_url": _comment_url(verification.comment),
    }
    return render(request, "subscriptions/confirmed.html", context)


def _comment_url(comment):
    if comment is None:
        return ""
    if comment.is_public:
        return comment.get_absolute_url()
    if comment.status == comment.Status.PENDING:
        return comment.pending_url() + f"#comment-{comment.pk}"
    return ""


@csrf_exempt  # RFC 8058: mail providers POST without a cookie or token; the URL is signed
@require_http_methods(["GET", "HEAD", "POST"])
@never_cache
def unsubscribe(request, token):
    """GET shows a button and changes nothing; a POST (one click) stops every notice."""
    try:
        commenter_id = commenter_id_from_token(token)
    except signing.BadSignature:
        return _invalid(request)
    if request.method != "POST":
        return render(request, "subscriptions/unsubscribe.html")
    services.unsubscribe(commenter_id)
    return render(request, "subscriptions/unsubscribed.html")
