"""All of Ficarchive's settings, read from FICARCHIVE_* environment variables.

docs/hosting.md lists every variable. With nothing set, the archive runs on a SQLite file
under ./var/ and is safe by default: debug off, HTTPS-only cookies and redirects.
Development (`scripts/run`) sets FICARCHIVE_DEBUG=1.
"""

from __future__ import annotations

import secrets
import zoneinfo
from pathlib import Path

import dj_database_url
from django.core.exceptions import ImproperlyConfigured

from ficarchive.env import env_bool, env_choice, env_int, env_list, env_str

PACKAGE_DIR = Path(__file__).resolve().parent
VAR_DIR = Path(env_str("FICARCHIVE_VAR_DIR", "var")).resolve()

DEBUG = env_bool("FICARCHIVE_DEBUG", False)
HTTPS = env_bool("FICARCHIVE_HTTPS", not DEBUG)


def _secret_key() -> str:
    """Use FICARCHIVE_SECRET_KEY, or a random key kept in var/ so sessions survive restarts."""
    key = env_str("FICARCHIVE_SECRET_KEY")
    if key:
        if len(key) < 50 or len(set(key)) < 5:
            raise ImproperlyConfigured(
                "FICARCHIVE_SECRET_KEY must be at least 50 characters long "
                "with at least 5 different characters."
            )
        return key
    path = VAR_DIR / "secret_key"
    if not path.exists():
        VAR_DIR.mkdir(parents=True, exist_ok=True)
        path.write_text(secrets.token_urlsafe(50))
        path.chmod(0o600)
    return path.read_text().strip()


def _database(url: str | None = None, variable: str = "FICARCHIVE_DATABASE_URL") -> dict:
    url = url or env_str(variable) or f"sqlite:///{VAR_DIR / 'ficarchive.sqlite3'}"
    try:
        config = dj_database_url.parse(url)
    except Exception as error:  # dj-database-url raises several types for bad URLs
        raise ImproperlyConfigured(f"{variable} is not a database URL: {error}") from None
    config["CONN_MAX_AGE"] = env_int("FICARCHIVE_DB_CONN_MAX_AGE", 60)
    engine = config.get("ENGINE", "")
    if engine == "django.db.backends.sqlite3":
        Path(config["NAME"]).parent.mkdir(parents=True, exist_ok=True)
        config["OPTIONS"] = {
            # WAL lets readers work while one writer writes; IMMEDIATE avoids
            # "database is locked" on upgrade from a read to a write transaction. A 64 MB
            # page cache per connection (kept open like PostgreSQL's, CONN_MAX_AGE) holds the
            # hot index pages: filtered listings probe the filter index at random.
            "init_command": (
                "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL; PRAGMA cache_size=-65536;"
            ),
            "transaction_mode": "IMMEDIATE",
            "timeout": 20,
        }
    elif engine == "django.db.backends.postgresql":
        # Parallel workers start up for every LIMIT-20 listing query and made the filtered
        # pages 5-20x slower at a million works (docs/performance.md); a web request is
        # better served by one process, and other requests use the other cores.
        # Behind PgBouncer in transaction mode (docs/deploy.md) a connection's settings and
        # server-side cursors don't survive between transactions: the role carries the
        # setting instead (ALTER ROLE ... SET), and querysets are fetched whole.
        if env_bool("FICARCHIVE_PGBOUNCER", False):
            config["DISABLE_SERVER_SIDE_CURSORS"] = True
        else:
            options = config.setdefault("OPTIONS", {})
            parallel = "-c max_parallel_workers_per_gather=0"
            options["options"] = f"{options.get('options', '')} {parallel}".strip()
    else:
        raise ImproperlyConfigured(
            f"{variable} must be a sqlite:// or postgres:// URL; got {url.split(':')[0]}://."
        )
    return config


def _replicas(primary: dict) -> dict:
    """Read replicas of a PostgreSQL primary, as aliases replica_1, replica_2, … (see
    ficarchive/replicas.py). In tests they mirror the primary."""
    variable = "FICARCHIVE_DATABASE_REPLICA_URLS"
    urls = env_list(variable, [])
    if urls and primary["ENGINE"] != "django.db.backends.postgresql":
        raise ImproperlyConfigured(f"{variable} needs a PostgreSQL FICARCHIVE_DATABASE_URL.")
    replicas = {}
    for number, url in enumerate(urls, start=1):
        config = _database(url, variable)
        if config["ENGINE"] != "django.db.backends.postgresql":
            raise ImproperlyConfigured(f"{variable} must list postgres:// URLs.")
        config["TEST"] = {"MIRROR": "default"}
        replicas[f"replica_{number}"] = config
    return replicas


SECRET_KEY = _secret_key()
ALLOWED_HOSTS = env_list("FICARCHIVE_ALLOWED_HOSTS", ["127.0.0.1", "localhost"])
CSRF_TRUSTED_ORIGINS = env_list("FICARCHIVE_CSRF_TRUSTED_ORIGINS", [])
DATABASES = {"default": _database()}
DATABASES.update(_replicas(DATABASES["default"]))
DATABASE_ROUTERS = ["ficarchive.replicas.ReplicaRouter"]
# After a request that changes something, that browser reads from the primary this long.
REPLICA_PIN_SECONDS = env_int("FICARCHIVE_REPLICA_PIN_SECONDS", 5)
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.sitemaps",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django_tasks",
    "django_tasks_db",
    "ficarchive",
    "ficarchive.accounts",
    "ficarchive.tags",
    "ficarchive.works",
    "ficarchive.search",
    "ficarchive.community",
    "ficarchive.api",
    "ninja",  # its Swagger UI is served from our own static files, not a CDN
]

MIDDLEWARE = [
    "ficarchive.logs.RequestLogMiddleware",
    "ficarchive.metrics.MetricsMiddleware",
    "ficarchive.page_cache.CacheControlMiddleware",
    "django.middleware.security.SecurityMiddleware",
    "ficarchive.security.ContentSecurityPolicyMiddleware",
    "ficarchive.ratelimit.ListingRateLimitMiddleware",
    "ficarchive.replicas.ReplicaPinMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
]

ROOT_URLCONF = "ficarchive.urls"
WSGI_APPLICATION = "ficarchive.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [PACKAGE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "ficarchive.context_processors.archive",
            ],
        },
    }
]

AUTH_USER_MODEL = "accounts.User"
AUTHENTICATION_BACKENDS = ["ficarchive.accounts.backends.CaseInsensitiveModelBackend"]
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "home"
LOGOUT_REDIRECT_URL = "home"
PASSWORD_HASHERS = [
    "django.contrib.auth.hashers.Argon2PasswordHasher",
    "django.contrib.auth.hashers.PBKDF2PasswordHasher",
    # Accounts imported from eFiction arrive with its unsalted MD5 hashes: accepted at the
    # first log-in, when Django re-hashes the password with Argon2.
    "ficarchive.accounts.hashers.EFictionMD5PasswordHasher",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {
        "NAME": "django.contrib.auth.password_validation.MinimumLengthValidator",
        "OPTIONS": {"min_length": 8},
    },
    {"NAME": "ficarchive.accounts.validators.MaximumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

LANGUAGE_CODE = "en-us"
TIME_ZONE = env_choice("FICARCHIVE_TIME_ZONE", "UTC", zoneinfo.available_timezones() | {"UTC"})
USE_I18N = True
USE_TZ = True

STATIC_URL = "/static/"
STATIC_ROOT = VAR_DIR / "static"
MEDIA_URL = "/media/"
MEDIA_ROOT = VAR_DIR / "media"
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"
        if DEBUG
        else "whitenoise.storage.CompressedManifestStaticFilesStorage"
    },
}
WHITENOISE_USE_FINDERS = DEBUG

# E-mail: the console in development, SMTP once FICARCHIVE_EMAIL_HOST is set.
EMAIL_HOST = env_str("FICARCHIVE_EMAIL_HOST")
EMAIL_BACKEND = (
    "django.core.mail.backends.smtp.EmailBackend"
    if EMAIL_HOST
    else "django.core.mail.backends.console.EmailBackend"
)
EMAIL_PORT = env_int("FICARCHIVE_EMAIL_PORT", 587)
EMAIL_HOST_USER = env_str("FICARCHIVE_EMAIL_USER")
EMAIL_HOST_PASSWORD = env_str("FICARCHIVE_EMAIL_PASSWORD")
EMAIL_USE_TLS = env_bool("FICARCHIVE_EMAIL_USE_TLS", True)
DEFAULT_FROM_EMAIL = env_str("FICARCHIVE_EMAIL_FROM", "Ficarchive <noreply@localhost>")
SERVER_EMAIL = DEFAULT_FROM_EMAIL

# Background work: "immediate" runs tasks in the process that asks for them (the embedded
# default); "database" queues them in the database and "redis" in Redis
# (FICARCHIVE_REDIS_URL), for `ficarchive worker` to run.
TASK_BACKENDS = {
    "immediate": "django_tasks.backends.immediate.ImmediateBackend",
    "database": "django_tasks_db.DatabaseBackend",
    "redis": "django_tasks_rq.RQBackend",
}
TASK_QUEUE = env_choice("FICARCHIVE_TASKS", "immediate", set(TASK_BACKENDS))
TASKS = {"default": {"BACKEND": TASK_BACKENDS[TASK_QUEUE]}}
if TASK_QUEUE == "redis":
    INSTALLED_APPS.append("django_rq")
# A queued task that fails is tried again after a delay that doubles each time (with
# jitter), this many attempts in all (ficarchive/tasks.py).
TASK_ATTEMPTS = env_int("FICARCHIVE_TASK_ATTEMPTS", 4)
TASK_RETRY_DELAY = env_int("FICARCHIVE_TASK_RETRY_DELAY", 30)
# A task still marked running this long after it started, by a worker that can't be asked
# whether it is alive (another machine), is given to the next worker that starts
# (ficarchive/taskqueue.py). Longer than any task should take.
TASK_STALE_SECONDS = env_int("FICARCHIVE_TASK_STALE_SECONDS", 3600)
if TASK_ATTEMPTS < 1:
    raise ImproperlyConfigured("FICARCHIVE_TASK_ATTEMPTS must be at least 1.")

# Security: strict by default; FICARCHIVE_HTTPS=0 only for plain-HTTP set-ups behind nothing.
SECURE_SSL_REDIRECT = HTTPS
# Probes and the metrics scraper may come over plain HTTP from inside the network.
SECURE_REDIRECT_EXEMPT = [r"^healthz$", r"^readyz$", r"^metrics$"]
SESSION_COOKIE_SECURE = HTTPS
CSRF_COOKIE_SECURE = HTTPS
SECURE_HSTS_SECONDS = 31536000 if HTTPS else 0
SECURE_HSTS_INCLUDE_SUBDOMAINS = HTTPS
SECURE_HSTS_PRELOAD = HTTPS
SECURE_PROXY_SSL_HEADER = (
    ("HTTP_X_FORWARDED_PROTO", "https") if env_bool("FICARCHIVE_BEHIND_PROXY", False) else None
)
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
CSRF_COOKIE_HTTPONLY = True  # no script reads the token: forms carry it
CSRF_COOKIE_SAMESITE = "Lax"
CSRF_FAILURE_VIEW = "ficarchive.errors.csrf_failure"
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
# No inline script or style anywhere, so markup that slips past the sanitiser can't run code
# or restyle a page (sent by ficarchive.security). Works may show images from other sites.
CONTENT_SECURITY_POLICY = "; ".join(
    [
        "default-src 'self'",
        "script-src 'self'",
        "style-src 'self'",
        "img-src 'self' data: https:",
        "object-src 'none'",
        "base-uri 'none'",
        "form-action 'self'",
        "frame-ancestors 'none'",
    ]
)

# Redis, when set, is shared by every process: the cache (rate limits, throttles, the page
# cache), sessions (cached in Redis, kept in the database) and buffered hit counts.
# Without it: each process's memory, sessions in the database; see docs/hosting.md.
REDIS_URL = env_str("FICARCHIVE_REDIS_URL")
if REDIS_URL and not REDIS_URL.startswith("redis://"):
    raise ImproperlyConfigured(
        f"FICARCHIVE_REDIS_URL must be a redis:// URL; got {REDIS_URL.split(':')[0]}://."
    )
if TASK_QUEUE == "redis" and not REDIS_URL:
    raise ImproperlyConfigured("FICARCHIVE_TASKS=redis needs FICARCHIVE_REDIS_URL.")
# The Redis task queue (django-rq); a task may run this many seconds before rq stops it.
RQ_QUEUES = {"default": {"URL": REDIS_URL or "redis://127.0.0.1:6379/0", "DEFAULT_TIMEOUT": 1800}}
if REDIS_URL:
    CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": REDIS_URL,
            "KEY_PREFIX": "ficarchive",
        }
    }
    # Write-through: Redis here keeps nothing on disk, and losing it must log nobody out.
    SESSION_ENGINE = "django.contrib.sessions.backends.cached_db"
else:
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
    SESSION_ENGINE = "django.contrib.sessions.backends.db"

# Guests' copies of the works index, tag pages and work pages are kept this long (seconds;
# 0 turns it off), and dropped at once when anything they show changes (ficarchive/page_cache.py).
# Off by default without Redis: one process's memory cannot tell the others about a change.
PAGE_CACHE_SECONDS = env_int("FICARCHIVE_PAGE_CACHE_SECONDS", 300 if REDIS_URL else 0)
# Shared caches in front (nginx, a CDN) may keep guest pages with no form on them this long;
# they cannot be told about changes, so a hidden work stays listed there until it ends.
PAGE_CACHE_PUBLIC_SECONDS = env_int("FICARCHIVE_PAGE_CACHE_PUBLIC_SECONDS", 0)

# The archive's address, for links in e-mail sent outside a request (digests, comments).
SITE_URL = env_str(
    "FICARCHIVE_SITE_URL", f"{'https' if HTTPS else 'http'}://{(ALLOWED_HOSTS or ['localhost'])[0]}"
).rstrip("/")

# Login throttling (accounts/login_throttle.py): this many wrong passwords per account and
# per address within this many seconds, then a wait until the window ends.
LOGIN_ATTEMPTS = 5
LOGIN_ATTEMPTS_SECONDS = 20

# Listing and search pages per visitor address (ficarchive/ratelimit.py); 0 turns it off.
LISTING_RATE_LIMIT = env_int("FICARCHIVE_LISTING_RATE_LIMIT", 300)
LISTING_RATE_LIMIT_SECONDS = env_int("FICARCHIVE_LISTING_RATE_LIMIT_SECONDS", 300)

# Who may create an account (accounts/registration.py): "open" lets anyone sign up;
# "invite" asks visitors to join a queue and staff send sign-up links from it; "closed"
# refuses sign-ups (staff still create accounts in /admin/).
REGISTRATION = env_choice("FICARCHIVE_REGISTRATION", "open", {"open", "invite", "closed"})
# An invitation's sign-up link works for this many days.
INVITATION_DAYS = env_int("FICARCHIVE_INVITATION_DAYS", 14)

# Spam defences (ficarchive/spam.py): at most this many per window (seconds); 0 turns a
# limit off. Comments count per member (or per address for guests), across the site and
# the API; sign-ups and invitation requests count per address.
COMMENT_RATE_LIMIT = env_int("FICARCHIVE_COMMENT_RATE_LIMIT", 10)
COMMENT_RATE_LIMIT_SECONDS = env_int("FICARCHIVE_COMMENT_RATE_LIMIT_SECONDS", 600)
SIGNUP_RATE_LIMIT = env_int("FICARCHIVE_SIGNUP_RATE_LIMIT", 5)
SIGNUP_RATE_LIMIT_SECONDS = env_int("FICARCHIVE_SIGNUP_RATE_LIMIT_SECONDS", 3600)
INVITE_REQUEST_RATE_LIMIT = env_int("FICARCHIVE_INVITE_REQUEST_RATE_LIMIT", 5)
INVITE_REQUEST_RATE_LIMIT_SECONDS = env_int("FICARCHIVE_INVITE_REQUEST_RATE_LIMIT_SECONDS", 3600)

ARCHIVE_NAME = env_str("FICARCHIVE_NAME", "Ficarchive")
WORKS_PER_PAGE = 20
# Listings count their matches up to this many; beyond it a page says "1,000+"
# (docs/performance.md explains why).
LISTING_COUNT_LIMIT = env_int("FICARCHIVE_LISTING_COUNT_LIMIT", 1000)
# The API and the OPDS catalogue answer at most this many requests per window (seconds) per user, or
# per address for guests, then 429 with Retry-After; 0 turns the limit off (docs/api.md).
API_RATE_LIMIT = env_int("FICARCHIVE_API_RATE_LIMIT", 300)
API_RATE_WINDOW = env_int("FICARCHIVE_API_RATE_WINDOW", 300)

# Logs go to standard error, as text or (FICARCHIVE_LOG_FORMAT=json) one JSON object per
# line with a line per request (ficarchive/logs.py).
LOG_FORMAT = env_choice("FICARCHIVE_LOG_FORMAT", "text", {"text", "json"})
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {"json": {"()": "ficarchive.logs.JsonFormatter"}},
    "handlers": {
        "console": {
            "class": "logging.StreamHandler",
            **({"formatter": "json"} if LOG_FORMAT == "json" else {}),
        }
    },
    "loggers": {
        # One line per background task is noise; failures are still logged as errors.
        "django_tasks": {"level": "WARNING"},
        # One line per request, in JSON only: in text, gunicorn's access log has them.
        "ficarchive.requests": {"level": "INFO" if LOG_FORMAT == "json" else "WARNING"},
    },
    "root": {
        "handlers": ["console"],
        "level": env_choice(
            "FICARCHIVE_LOG_LEVEL",
            "INFO",
            {"DEBUG", "INFO", "WARNING", "ERROR", "CRITICAL"},
            upper=True,
        ),
    },
}

# Prometheus metrics at /metrics for whoever sends this token (ficarchive/metrics.py);
# without it /metrics does not exist.
METRICS_TOKEN = env_str("FICARCHIVE_METRICS_TOKEN")
if METRICS_TOKEN and len(METRICS_TOKEN) < 16:
    raise ImproperlyConfigured("FICARCHIVE_METRICS_TOKEN must be at least 16 characters long.")
