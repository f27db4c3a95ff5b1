from django.conf import settings


class SecurityHeadersMiddleware:
    """Headers Django's SecurityMiddleware does not set.

    The Content-Security-Policy allows only this site's own scripts, styles
    and images: our pages carry no inline script or style and load nothing
    from a third-party host. X-Frame-Options is repeated here because
    WhiteNoise answers static files before Django's XFrameOptionsMiddleware
    runs; views marked @xframe_options_exempt keep their exemption.
    """

    def __init__(self, get_response):
        self.get_response = get_response
        self.headers = {
            "Content-Security-Policy": settings.CONTENT_SECURITY_POLICY,
            "Permissions-Policy": "camera=(), geolocation=(), microphone=(), interest-cohort=()",
            "Cross-Origin-Resource-Policy": "same-origin",
        }

    def __call__(self, request):
        response = self.get_response(request)
        for name, value in self.headers.items():
            response.headers.setdefault(name, value)
        if not getattr(response, "xframe_options_exempt", False):
            response.headers.setdefault("X-Frame-Options", settings.X_FRAME_OPTIONS)
        return response
