"""Immunoblog settings, read from the environment.

Every value has a safe development default so `make run` needs no
configuration. Production sets DJANGO_DEBUG=0 and DJANGO_SECRET_KEY at least;
docs/operations.md lists the rest.
"""

import ipaddress
import os
from pathlib import Path

import dj_database_url
import jinja2
from django.core.exceptions import ImproperlyConfigured

BASE_DIR = Path(__file__).resolve().parent.parent


def env_bool(name, default):
    value = os.environ.get(name)
    if value is None or value.strip() == "":
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


def env_int(name, default):
    value = os.environ.get(name, "").strip()
    if not value:
        return default
    try:
        return int(value)
    except ValueError as exc:
        raise ImproperlyConfigured(f"{name} must be a whole number, not {value!r}.") from exc


def env_list(name, default):
    value = os.environ.get(name)
    if value is None:
        return default
    return [item.strip() for item in value.split(",") if item.strip()]


# --- Core -----------------------------------------------------------------

DEBUG = env_bool("DJANGO_DEBUG", True)

SECRET_KEY = os.environ.get("DJANGO_SECRET_KEY", "")
if not SECRET_KEY:
    if not DEBUG:
        raise ImproperlyConfigured("DJANGO_SECRET_KEY is required when DJANGO_DEBUG is off.")
    SECRET_KEY = "django-insecure-development-only-key-never-use-it-in-production"

ALLOWED_HOSTS = env_list("DJANGO_ALLOWED_HOSTS", ["localhost", "127.0.0.1", "[::1]"])

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.sitemaps",
    "django.contrib.syndication",
    "crispy_forms",
    "crispy_bootstrap5",
    "axes",
    "django_tasks",
    # Before django_tasks_db: its db_worker command is this app's, with a heartbeat.
    "health",
    "django_tasks_db",
    "guard",
    "outbox",
    "pagecache",
    "articles",
    "comments",
    "subscriptions",
    "importers",
    "backups",
    # Last: the project's own commands (housekeeping), which call the apps.
    "immunoblog",
]

MIDDLEWARE = [
    # First: it answers the probes (/healthz, /readyz, /metrics) before anything
    # else, and counts every request, page-cache hits included.
    "health.middleware.HealthMiddleware",
    # Then, so that a shared-cache hit skips everything below it; the stored
    # response already carries the headers the rest of the stack added.
    "pagecache.middleware.PageCacheMiddleware",
    "django.middleware.security.SecurityMiddleware",
    "immunoblog.middleware.SecurityHeadersMiddleware",
    # Before anything reads the body: an oversized one is refused unread.
    "guard.middleware.RequestSizeLimitMiddleware",
    "guard.middleware.FormEncodingMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    # Old WordPress and Disqus addresses: answers only what the blog would 404.
    "importers.middleware.OldAddressMiddleware",
    "django.middleware.http.ConditionalGetMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    # Last: it must see failed logins raised by the authentication backends.
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "immunoblog.urls"
WSGI_APPLICATION = "immunoblog.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "immunoblog.context_processors.site",
            ],
        },
    },
    # The comment list alone (comments/jinja2/comments/comment_list.html): its
    # loop runs once per comment shown, and Jinja2 compiles it to Python, which
    # prints a hundred cards in a quarter of the time Django's engine takes.
    # Django's performance guide suggests Jinja2 for such spots; every other
    # page stays in Django templates.
    {
        "BACKEND": "django.template.backends.jinja2.Jinja2",
        "NAME": "jinja2",
        "APP_DIRS": True,
        "OPTIONS": {
            "trim_blocks": True,
            "lstrip_blocks": True,
            "undefined": jinja2.StrictUndefined,
        },
    },
]

# --- Database -------------------------------------------------------------
# SQLite by default, tuned for several writers (WAL, a busy timeout and
# IMMEDIATE write transactions, so writers queue instead of failing with
# "database is locked"). DATABASE_URL switches to PostgreSQL.

DATABASE_URL = os.environ.get("DATABASE_URL", "")
if DATABASE_URL:
    DATABASES = {
        "default": dj_database_url.parse(
            DATABASE_URL, conn_max_age=env_int("DJANGO_CONN_MAX_AGE", 60), conn_health_checks=True
        )
    }
else:
    DATABASES = {
        "default": {
            "ENGINE": "django.db.backends.sqlite3",
            "NAME": os.environ.get("DJANGO_SQLITE_PATH", str(BASE_DIR / "db.sqlite3")),
            # Opening the file and setting its pragmas costs more than most pages.
            "CONN_MAX_AGE": env_int("DJANGO_CONN_MAX_AGE", 60),
            "CONN_HEALTH_CHECKS": True,
            "OPTIONS": {
                "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
                "transaction_mode": "IMMEDIATE",
                "timeout": 20,
            },
        }
    }

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# --- Cache ----------------------------------------------------------------
# "default" is shared by every process (rate limits, flood checks, the page
# cache's tag generations, copies of the site-wide settings): a file cache on
# one machine, Redis when REDIS_URL is set. The site works without it, only
# slower (guard/sharedcache.py). Rendered pages are kept in each process's memory (pagecache.store),
# within PAGE_CACHE_MAX_BYTES; at scale, Varnish in front keeps them for all.

REDIS_URL = os.environ.get("REDIS_URL", "")
REDIS_TIMEOUT_SECONDS = 0.5
if REDIS_URL:
    CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": REDIS_URL,
            "KEY_PREFIX": "immunoblog",
            # A Redis that does not answer costs a request this long per call
            # at most; then the site goes on without it (guard.sharedcache).
            "OPTIONS": {
                "socket_connect_timeout": REDIS_TIMEOUT_SECONDS,
                "socket_timeout": REDIS_TIMEOUT_SECONDS,
            },
        },
    }
else:
    CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.filebased.FileBasedCache",
            "LOCATION": os.environ.get("DJANGO_CACHE_DIR", str(BASE_DIR / "var" / "cache")),
            "OPTIONS": {"MAX_ENTRIES": 20000},
        },
    }

# Seconds an anonymous page may be served from this process's memory; 0
# turns the in-app page cache off (benchmarks use that to measure rendering).
PAGE_CACHE_SECONDS = env_int("PAGE_CACHE_SECONDS", 600)
# Memory each process may spend on cached pages (least recently used go first).
PAGE_CACHE_MAX_BYTES = env_int("PAGE_CACHE_MAX_BYTES", 64 * 1024 * 1024)
# Where tag generations live, and how long one is kept without a change.
PAGE_CACHE_TAG_ALIAS = "default"
PAGE_CACHE_TAG_SECONDS = env_int("PAGE_CACHE_TAG_SECONDS", 24 * 3600)
# How long an HTTP cache that is purged by tag (Varnish) may keep a page:
# sent in Surrogate-Control only, which Varnish reads and strips.
PAGE_CACHE_SHARED_MAX_AGE = env_int("PAGE_CACHE_SHARED_MAX_AGE", 24 * 3600)
# HTTP caches to purge by tag on every change, e.g. http://127.0.0.1:6081/
PAGE_CACHE_PURGE_URLS = env_list("PAGE_CACHE_PURGE_URLS", [])
# A change waits at most this long (seconds) for the caches to confirm a
# purge. One that does not is retried by the task worker after a delay that
# doubles from PAGE_CACHE_PURGE_RETRY_SECONDS up to ..._RETRY_MAX_SECONDS,
# until PAGE_CACHE_PURGE_GIVE_UP_SECONDS have passed; then editors find it
# under "Purge failures" in the admin. Giving up no sooner than pages expire
# (PAGE_CACHE_SHARED_MAX_AGE) means no stale page outlives the retries.
PAGE_CACHE_PURGE_TIMEOUT = 0.5
PAGE_CACHE_PURGE_RETRY_SECONDS = env_int("PAGE_CACHE_PURGE_RETRY_SECONDS", 5)
PAGE_CACHE_PURGE_RETRY_MAX_SECONDS = env_int("PAGE_CACHE_PURGE_RETRY_MAX_SECONDS", 600)
PAGE_CACHE_PURGE_GIVE_UP_SECONDS = env_int("PAGE_CACHE_PURGE_GIVE_UP_SECONDS", 24 * 3600)

# --- Background tasks -----------------------------------------------------
# Tasks are rows in the database; `manage.py db_worker` runs them (`make run`
# starts one beside the server).

TASKS = {
    "default": {
        "BACKEND": "django_tasks_db.DatabaseBackend",
        "QUEUES": ["default"],
    }
}

# --- Authentication -------------------------------------------------------

AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

# Password guessing on /admin/: five failures lock the username and address
# pair out for fifteen minutes. The address is the one every limit uses
# (guard.clientaddr: DJANGO_TRUSTED_PROXY_HOPS, an IPv6 client's /64), so
# nobody can lock an editor out from another address, and axes' log lines
# name no address or username.
AXES_FAILURE_LIMIT = env_int("AXES_FAILURE_LIMIT", 5)
AXES_COOLOFF_TIME = 0.25  # hours
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_CLIENT_IP_CALLABLE = "guard.clientaddr.client_limit_address"
AXES_CLIENT_STR_CALLABLE = "guard.clientaddr.client_description"
AXES_LOCKOUT_TEMPLATE = "axes/lockout.html"
AXES_RESET_ON_SUCCESS = True
# Guessing from many addresses: 20 failures against one account within the
# cool-off close it to browsers that have never signed in to it; a browser
# that has, or that sets a new password by email, still gets in.
AXES_HANDLER = "guard.lockout.AccountCapHandler"

LOGIN_URL = "admin:login"

# --- Internationalisation -------------------------------------------------

LANGUAGE_CODE = "en-us"
TIME_ZONE = os.environ.get("DJANGO_TIME_ZONE", "UTC")
USE_I18N = True
USE_TZ = True

# --- Static files ---------------------------------------------------------

STATIC_URL = "/static/"
STATIC_ROOT = Path(os.environ.get("DJANGO_STATIC_ROOT", BASE_DIR / "staticfiles"))
STATICFILES_DIRS = [BASE_DIR / "static"]
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": (
            "django.contrib.staticfiles.storage.StaticFilesStorage"
            if DEBUG
            else "whitenoise.storage.CompressedManifestStaticFilesStorage"
        )
    },
}

# Browsers and crawlers ask for some icons at the site's root (/favicon.ico,
# /apple-touch-icon.png): WhiteNoise serves static/icons/ there too, and lets
# caches keep those unhashed names for a day. Pages link the hashed copies.
WHITENOISE_ROOT = BASE_DIR / "static" / "icons"


def root_file_headers(headers, path, url):
    """WhiteNoise's hook: a day in caches for the files served at the root."""
    if not url.startswith(STATIC_URL):
        headers["Cache-Control"] = "max-age=86400, public"


WHITENOISE_ADD_HEADERS_FUNCTION = root_file_headers

# --- Forms ----------------------------------------------------------------

CRISPY_ALLOWED_TEMPLATE_PACKS = "bootstrap5"
CRISPY_TEMPLATE_PACK = "bootstrap5"

# --- Security -------------------------------------------------------------
# DJANGO_HTTPS defaults to on when debug is off. DJANGO_HTTPS=0 serves the
# production settings over plain HTTP, for loopback benchmarks and tests.

HTTPS = env_bool("DJANGO_HTTPS", not DEBUG)

SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "strict-origin-when-cross-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
CSRF_COOKIE_SAMESITE = "Lax"
# The comment form reads its token from /comments/csrf/, never from the
# cookie, so the cookie can stay out of reach of scripts.
CSRF_COOKIE_HTTPONLY = True
CSRF_FAILURE_VIEW = "immunoblog.views.csrf_failure"
CSRF_TRUSTED_ORIGINS = env_list("DJANGO_CSRF_TRUSTED_ORIGINS", [])

if HTTPS:
    SECURE_SSL_REDIRECT = env_bool("DJANGO_SSL_REDIRECT", True)
    SECURE_HSTS_SECONDS = env_int("DJANGO_HSTS_SECONDS", 31536000)
    SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    # Preloading is hard to undo (browsers ship the list): only on request.
    SECURE_HSTS_PRELOAD = env_bool("DJANGO_HSTS_PRELOAD", False)
    if not SECURE_HSTS_PRELOAD:
        # check --deploy suggests preloading; leaving it off is a choice.
        SILENCED_SYSTEM_CHECKS = ["security.W021"]
    SESSION_COOKIE_SECURE = True
    CSRF_COOKIE_SECURE = True
    # Behind a TLS-terminating proxy that sets X-Forwarded-Proto.
    if env_bool("DJANGO_BEHIND_PROXY", False):
        SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
elif not DEBUG:
    # Production settings over plain HTTP on loopback, chosen on purpose:
    # `check --deploy` stays clean but for the four HTTPS-only warnings.
    SILENCED_SYSTEM_CHECKS = [
        "security.W004",  # SECURE_HSTS_SECONDS
        "security.W008",  # SECURE_SSL_REDIRECT
        "security.W012",  # SESSION_COOKIE_SECURE
        "security.W016",  # CSRF_COOKIE_SECURE
    ]

# The client's address, for comments, rate limits and the admin's lock-out
# (guard.clientaddr): REMOTE_ADDR, or behind N reverse proxies that each
# append to X-Forwarded-For, DJANGO_TRUSTED_PROXY_HOPS=N. The older
# DJANGO_USE_X_FORWARDED_FOR=1 means one hop.
USE_X_FORWARDED_FOR = env_bool("DJANGO_USE_X_FORWARDED_FOR", False)
TRUSTED_PROXY_HOPS = env_int("DJANGO_TRUSTED_PROXY_HOPS", 1 if USE_X_FORWARDED_FOR else 0)
# Where per-client counters live (guard.ratelimit): Redis's atomic INCR when
# there is Redis, otherwise a database row bumped in one statement.
RATE_LIMIT_STORE = "cache" if REDIS_URL else "database"

CONTENT_SECURITY_POLICY = (
    "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
    "font-src 'self'; connect-src 'self'; object-src 'none'; base-uri 'none'; "
    "form-action 'self'; frame-ancestors 'none'"
)

# --- Email ----------------------------------------------------------------
# The console backend prints mail during development. Set DJANGO_EMAIL_HOST
# (and the other DJANGO_EMAIL_* variables) to send through SMTP.

# With debug off and no mail host, mail is never printed (it would put
# addresses and comments into the server log): it waits in the task queue,
# and `check --deploy` reports the missing host (guard.E001).

EMAIL_HOST = os.environ.get("DJANGO_EMAIL_HOST", "")
if EMAIL_HOST:
    _DEFAULT_EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
elif DEBUG:
    _DEFAULT_EMAIL_BACKEND = "django.core.mail.backends.console.EmailBackend"
else:
    _DEFAULT_EMAIL_BACKEND = "guard.mail.UnconfiguredBackend"
EMAIL_BACKEND = os.environ.get("DJANGO_EMAIL_BACKEND", _DEFAULT_EMAIL_BACKEND)
EMAIL_PORT = env_int("DJANGO_EMAIL_PORT", 587)
EMAIL_HOST_USER = os.environ.get("DJANGO_EMAIL_HOST_USER", "")
EMAIL_HOST_PASSWORD = os.environ.get("DJANGO_EMAIL_HOST_PASSWORD", "")
EMAIL_USE_TLS = env_bool("DJANGO_EMAIL_USE_TLS", bool(EMAIL_HOST))
EMAIL_TIMEOUT = env_int("DJANGO_EMAIL_TIMEOUT", 10)
DEFAULT_FROM_EMAIL = os.environ.get("DJANGO_DEFAULT_FROM_EMAIL", "Immunoblog <noreply@localhost>")
SERVER_EMAIL = DEFAULT_FROM_EMAIL

# --- Site -----------------------------------------------------------------

SITE_NAME = os.environ.get("DJANGO_SITE_NAME", "Immunoblog")
# The public address every link in mail starts with, e.g. https://blog.example.org.
# In development it defaults to the address `make run` serves on; in production it
# is required (`check --deploy` reports it missing).
SITE_URL = os.environ.get("DJANGO_SITE_URL", "").strip().rstrip("/")
if not SITE_URL and DEBUG:
    SITE_URL = "http://127.0.0.1:8000"
if SITE_URL and not SITE_URL.startswith(("http://", "https://")):
    raise ImproperlyConfigured(f"DJANGO_SITE_URL must start with https://, not {SITE_URL!r}.")
SITE_DESCRIPTION = "Clear, careful writing about immunotherapy and the immune system."
ARTICLES_PER_PAGE = 10
# A medical review older than this many months is "due" in the admin.
ARTICLE_REVIEW_DUE_MONTHS = env_int("ARTICLE_REVIEW_DUE_MONTHS", 12)

# --- Comments -------------------------------------------------------------
# Editors change the discussion rules in the admin; these are the knobs that
# belong to the deployment.

COMMENT_FLOOD_SECONDS = env_int("COMMENT_FLOOD_SECONDS", 15)
COMMENT_RATE_PER_MINUTE = env_int("COMMENT_RATE_PER_MINUTE", 10)
# How long the link to a comment awaiting moderation keeps working.
COMMENT_PENDING_LINK_SECONDS = env_int("COMMENT_PENDING_LINK_SECONDS", 2 * 24 * 3600)
# How long mail to the editors is retried while the mail server is unreachable.
COMMENT_MAIL_GIVE_UP_SECONDS = env_int("COMMENT_MAIL_GIVE_UP_SECONDS", 2 * 24 * 3600)
# How long the record of a mail (kind, address, subject, dates) is kept once
# it was sent or given up; its text is cleared as soon as it is sent.
OUTBOX_RECORD_DAYS = env_int("OUTBOX_RECORD_DAYS", 30)
# How long a link that confirms a commenter's address works.
COMMENT_VERIFY_LINK_SECONDS = env_int("COMMENT_VERIFY_LINK_SECONDS", 2 * 24 * 3600)
# Notices (replies, approvals) mailed to one address per hour; the rest wait
# for one digest. 0 lifts the cap.
COMMENT_NOTIFY_PER_HOUR = env_int("COMMENT_NOTIFY_PER_HOUR", 4)
# Days an IP address and user agent are kept for moderation.
COMMENT_IP_RETENTION_DAYS = env_int("COMMENT_IP_RETENTION_DAYS", 30)
# How long a mailed link to download or erase a commenter's data keeps working.
PRIVACY_LINK_SECONDS = env_int("PRIVACY_LINK_SECONDS", 24 * 3600)
# How long the Approve / Spam / Trash links in the editors' mail keep working.
COMMENT_MODERATION_LINK_SECONDS = env_int("COMMENT_MODERATION_LINK_SECONDS", 7 * 24 * 3600)
# Mails about published comments one editor gets per hour (for those who
# asked for them); the rest of the hour's comments are in the admin.
EDITOR_PUBLISHED_MAIL_PER_HOUR = env_int("EDITOR_PUBLISHED_MAIL_PER_HOUR", 20)
# Days the record of a privacy request (kind, address, outcome) is kept.
PRIVACY_REQUEST_RETENTION_DAYS = env_int("PRIVACY_REQUEST_RETENTION_DAYS", 30)

# --- Backups --------------------------------------------------------------
# `manage.py backup` (daily, from cron) writes one file per run into
# BACKUP_DIR, readable by its owner only, and keeps the newest of each of the
# last BACKUP_KEEP_DAILY days and BACKUP_KEEP_WEEKLY weeks. With
# BACKUP_AGE_RECIPIENTS (age public keys, "age1...", comma-separated) every
# backup is encrypted to them; only then is it also copied off the machine,
# to the storage named "backups" in STORAGES when there is one (below).
# `manage.py restore` reads an encrypted backup with the identity (the
# private key) in BACKUP_AGE_IDENTITY_FILE.

BACKUP_DIR = Path(os.environ.get("BACKUP_DIR", BASE_DIR / "var" / "backups"))
BACKUP_KEEP_DAILY = env_int("BACKUP_KEEP_DAILY", 7)
BACKUP_KEEP_WEEKLY = env_int("BACKUP_KEEP_WEEKLY", 4)
BACKUP_AGE_RECIPIENTS = env_list("BACKUP_AGE_RECIPIENTS", [])
BACKUP_AGE_IDENTITY_FILE = os.environ.get("BACKUP_AGE_IDENTITY_FILE", "")
# A directory on other storage (a mounted disk, a network file system) that
# receives a copy of every encrypted backup and of the erasure log. Any
# Django storage can serve as "backups" instead (django-storages' S3, say),
# set in STORAGES; it must never be one the site serves to the public.
BACKUP_COPY_DIR = os.environ.get("BACKUP_COPY_DIR", "")
if BACKUP_COPY_DIR:
    STORAGES["backups"] = {
        "BACKEND": "django.core.files.storage.FileSystemStorage",
        "OPTIONS": {
            "location": BACKUP_COPY_DIR,
            "file_permissions_mode": 0o600,
            "directory_permissions_mode": 0o700,
        },
    }
# Every erasure of a commenter is also written to an erasure log beside the
# backups (comments/erasures.py): the time, and the address's HMAC-SHA256
# under this key, so that a restore can erase again whoever was erased after
# its backup was taken. Its own key, not DJANGO_SECRET_KEY, which gets
# rotated: a restore needs the key the log was written with. Without it, a
# key is made once and kept beside the log (`check --deploy` says so).
ERASURE_LOG_KEY = os.environ.get("ERASURE_LOG_KEY", "")

# --- Health and metrics ---------------------------------------------------
# /healthz and /readyz (health/): what a load balancer and an operator read.
# The task worker writes a heartbeat this often; silent for twice as long, it
# shows as stopped in /readyz.
TASK_WORKER_HEARTBEAT_SECONDS = env_int("TASK_WORKER_HEARTBEAT_SECONDS", 30)
# A due task waiting longer than this is named in /readyz.
HEALTH_QUEUE_AGE_SECONDS = env_int("HEALTH_QUEUE_AGE_SECONDS", 300)
# A last backup older than this is named in /readyz.
HEALTH_BACKUP_MAX_AGE_HOURS = env_int("HEALTH_BACKUP_MAX_AGE_HOURS", 26)
# Who may read /metrics: these networks (comma-separated), reaching gunicorn
# directly; any request a proxy relayed is refused, whatever its address.
try:
    METRICS_ALLOWED_NETWORKS = [
        ipaddress.ip_network(network.strip(), strict=False)
        for network in os.environ.get("METRICS_ALLOWED_NETWORKS", "127.0.0.0/8,::1").split(",")
        if network.strip()
    ]
except ValueError as error:
    raise ImproperlyConfigured(f"METRICS_ALLOWED_NETWORKS: {error}") from error

# prometheus-client's multiprocess mode (gunicorn.conf.py sets it for the
# app servers; give a task worker the same one to add its counts): every
# process that counts needs the directory to be there.
if os.environ.get("PROMETHEUS_MULTIPROC_DIR"):
    Path(os.environ["PROMETHEUS_MULTIPROC_DIR"]).mkdir(parents=True, exist_ok=True)

# --- Logging --------------------------------------------------------------

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {"plain": {"format": "%(asctime)s %(levelname)s %(name)s: %(message)s"}},
    "handlers": {"console": {"class": "logging.StreamHandler", "formatter": "plain"}},
    "root": {"handlers": ["console"], "level": "WARNING"},
    "loggers": {
        "comments": {"handlers": ["console"], "level": "INFO", "propagate": False},
        "subscriptions": {"handlers": ["console"], "level": "INFO", "propagate": False},
    },
}
