from django.conf import settings
from django.http import HttpResponse, HttpResponseBadRequest
from django.template.loader import render_to_string


class RequestSizeLimitMiddleware:
    """Refuse a request body over DATA_UPLOAD_MAX_MEMORY_SIZE with 413, before reading it.

    Django bounds the form fields it keeps in memory, but parses a multipart
    body of any size (its files go to disk), and reads a urlencoded one before
    finding it too big. The declared length is checked first, so an oversized
    post costs nothing; a body longer than declared is never read past the
    declared length.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        limit = settings.DATA_UPLOAD_MAX_MEMORY_SIZE
        try:
            length = int(request.META.get("CONTENT_LENGTH") or 0)
        except ValueError:
            length = 0
        if limit is not None and length > limit:
            page = render_to_string(
                "413.html", {"SITE_NAME": settings.SITE_NAME, "limit_mb": limit / 1024 / 1024}
            )
            response = HttpResponse(page, status=413)
            response["Cache-Control"] = "no-store"
            # The client may still be sending; it should not keep the connection.
            response["Connection"] = "close"
            return response
        return self.get_response(request)


class FormEncodingMiddleware:
    """Refuse a form body declared in a charset other than UTF-8 with 400, before reading it.

    Django refuses such a body (BadRequest) wherever something first reads
    the form, and the CSRF check reads it again while the 400 page is
    made: with a csrftoken cookie that became a 500 and a traceback. The
    same test as Django's, made once here: the site's 400 page, no error.
    Browsers send UTF-8 and name no charset.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        encoding = request.encoding
        if (
            request.content_type == "application/x-www-form-urlencoded"
            and encoding is not None
            and encoding.lower() != "utf-8"
        ):
            page = render_to_string("400.html", {"SITE_NAME": settings.SITE_NAME})
            response = HttpResponseBadRequest(page)
            response["Cache-Control"] = "no-store"
            return response
        return self.get_response(request)
