"""The bare reference: the least Django that can answer an HTTP request.

No middleware, no database, no installed apps. Its one view returns the bytes
of the real article page, saved once by the benchmark, so the difference
between the two servers is what the blog itself costs.
"""

import os
import secrets

DEBUG = False
SECRET_KEY = os.environ.get("DJANGO_SECRET_KEY") or secrets.token_urlsafe(50)
ALLOWED_HOSTS = ["127.0.0.1"]
ROOT_URLCONF = "bare.urls"
WSGI_APPLICATION = "bare.wsgi.application"
INSTALLED_APPS = []
MIDDLEWARE = []
DATABASES = {}
TEMPLATES = []
USE_I18N = False
USE_TZ = True

# Where the benchmark saved the real pages: NAME.body (bytes) and NAME.headers
# (JSON: the headers they were served with).
BARE_PAGES_DIR = os.environ.get("BENCH_BARE_PAGES", "")
