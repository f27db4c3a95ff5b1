import os

from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "immunoblog.settings")

django_application = get_wsgi_application()

# Anonymous readers' cache hits are answered here, before Django's handler.
from immunoblog.pagecache import CachedPageApplication  # noqa: E402

application = CachedPageApplication(django_application)
