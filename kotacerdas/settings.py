"""Kota Cerdas settings: one module, production switched on by environment variables."""

from pathlib import Path

from csp.constants import NONE, SELF
from django.core.exceptions import ImproperlyConfigured
from django.utils.translation import gettext_lazy as _

from kotacerdas.core.databases import Tuning, database_settings
from kotacerdas.core.env import env_bool, env_int, env_list, env_str

BASE_DIR = Path(__file__).resolve().parent.parent
VAR_DIR = Path(env_str("KOTACERDAS_VAR_DIR", str(BASE_DIR / "var")))

PRODUCTION = env_bool("PRODUCTION", default=False)
DEBUG = env_bool("DEBUG", default=not PRODUCTION)
DEMO_DATA_ALLOWED = env_bool("DEMO_DATA_ALLOWED", default=not PRODUCTION)
# The benchmark's baseline views (hello world, bare INSERT): only `kotacerdas bench` sets this, for its server.
BENCH_VIEWS = env_bool("KOTACERDAS_BENCH", default=False)

_DEV_SECRET = "dev-only-insecure-key-kotacerdas-never-use-in-production"
SECRET_KEY = env_str("SECRET_KEY", "" if PRODUCTION else _DEV_SECRET)
if not SECRET_KEY:
    raise ImproperlyConfigured("SECRET_KEY must be set when PRODUCTION=true")

ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", [] if PRODUCTION else ["127.0.0.1", "localhost", "[::1]", "testserver"])
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS", [])

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "template_partials",
    "axes",
    "csp",
    "ninja",
    "kotacerdas.core",
    "kotacerdas.accounts",
    "kotacerdas.regions",
    "kotacerdas.agencies",
    "kotacerdas.framework",
    "kotacerdas.audit",
    "kotacerdas.planning",
    "kotacerdas.monitoring",
    "kotacerdas.servicerequests",
    "kotacerdas.jimpitan",
    "kotacerdas.replication",
    "kotacerdas.api",
    "kotacerdas.demo",
    "kotacerdas.bench",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "kotacerdas.core.middleware.LanguageMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "kotacerdas.accounts.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "kotacerdas.core.csp.CSPMiddleware",  # django-csp's, the site policy's header built once
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "kotacerdas.urls"
WSGI_APPLICATION = "kotacerdas.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "kotacerdas" / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "kotacerdas.core.context_processors.site",
                "kotacerdas.core.pagecache.csrf_placeholder",
            ],
            "builtins": ["kotacerdas.core.templatetags.memo_url"],
        },
    },
]

# Database: SQLite under var/ by default (WAL, IMMEDIATE transactions); PostgreSQL via DATABASE_URL, with
# persistent connections (or DB_POOL=true for Django's pool), a statement timeout and an optional read replica.
DATABASE_URL = env_str("DATABASE_URL", f"sqlite:///{VAR_DIR / 'kotacerdas.sqlite3'}")
DATABASE_REPLICA_URL = env_str("DATABASE_REPLICA_URL")
DATABASE_REPLICA_PIN_SECONDS = env_int("DATABASE_REPLICA_PIN_SECONDS", 10)
_tuning = Tuning(
    pool=env_bool("DB_POOL", default=False),
    pool_min_size=env_int("DB_POOL_MIN_SIZE", 2),
    pool_max_size=env_int("DB_POOL_MAX_SIZE", 8),
    conn_max_age=env_int("DB_CONN_MAX_AGE", 60),
    statement_timeout_ms=env_int("DB_STATEMENT_TIMEOUT_MS", 30000),
    prepared_statements=env_bool("DB_PREPARED_STATEMENTS", default=True),
)
DATABASES = database_settings(DATABASE_URL, DATABASE_REPLICA_URL, _tuning)
if DATABASE_REPLICA_URL:
    DATABASE_ROUTERS = ["kotacerdas.core.db_router.ReplicaRouter"]
    MIDDLEWARE.insert(1, "kotacerdas.core.db_router.PrimaryPinMiddleware")
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_USER_MODEL = "accounts.User"
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "kotacerdas.accounts.backends.UserBackend",  # accounts.backends.BACKEND_PATH; replaces ModelBackend
]
PASSWORD_HASHERS = [
    "django.contrib.auth.hashers.Argon2PasswordHasher",
    "django.contrib.auth.hashers.PBKDF2PasswordHasher",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator", "OPTIONS": {"min_length": 10}},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "accounts:login"
LOGIN_REDIRECT_URL = "accounts:home"
LOGOUT_REDIRECT_URL = "core:home"

# Login throttling: five failures per username and address, then a cool-off.
AXES_FAILURE_LIMIT = env_int("AXES_FAILURE_LIMIT", 5)
AXES_COOLOFF_TIME = 0.25  # hours
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_TEMPLATE = "accounts/lockout.html"

LANGUAGE_CODE = "id"
LANGUAGES = [("id", _("Bahasa Indonesia")), ("en", _("English"))]
LOCALE_PATHS = [BASE_DIR / "kotacerdas" / "locale"]
USE_I18N = True
TIME_ZONE = "Asia/Jakarta"
USE_TZ = True

STATIC_URL = "/static/"
STATIC_ROOT = VAR_DIR / "static"
MEDIA_ROOT = VAR_DIR / "media"
MEDIA_URL = "/media/"
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": (
            "whitenoise.storage.CompressedManifestStaticFilesStorage"
            if PRODUCTION
            else "django.contrib.staticfiles.storage.StaticFilesStorage"
        )
    },
}

EMAIL_BACKEND = env_str("EMAIL_BACKEND", "django.core.mail.backends.console.EmailBackend")
EMAIL_HOST = env_str("EMAIL_HOST", "localhost")
EMAIL_PORT = env_int("EMAIL_PORT", 25)
EMAIL_HOST_USER = env_str("EMAIL_HOST_USER")
EMAIL_HOST_PASSWORD = env_str("EMAIL_HOST_PASSWORD")
EMAIL_USE_TLS = env_bool("EMAIL_USE_TLS", default=False)
DEFAULT_FROM_EMAIL = env_str("DEFAULT_FROM_EMAIL", "Kota Cerdas <noreply@localhost>")

# Security: strict CSP always; cookies, HSTS and HTTPS redirect in production.
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": [SELF],
        "script-src": [SELF],
        "style-src": [SELF],
        "img-src": [SELF, "data:"],
        "font-src": [SELF],
        "connect-src": [SELF],
        "object-src": [NONE],
        "base-uri": [SELF],
        "form-action": [SELF],
        "frame-ancestors": [NONE],
    }
}
SESSION_ENGINE = "kotacerdas.accounts.sessions"
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
CSRF_COOKIE_HTTPONLY = True
X_FRAME_OPTIONS = "DENY"
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
SESSION_COOKIE_SECURE = env_bool("SESSION_COOKIE_SECURE", default=PRODUCTION)
CSRF_COOKIE_SECURE = env_bool("CSRF_COOKIE_SECURE", default=PRODUCTION)
SECURE_SSL_REDIRECT = env_bool("SECURE_SSL_REDIRECT", default=PRODUCTION)
SECURE_HSTS_SECONDS = env_int("SECURE_HSTS_SECONDS", 31536000 if PRODUCTION else 0)
SECURE_HSTS_INCLUDE_SUBDOMAINS = env_bool("SECURE_HSTS_INCLUDE_SUBDOMAINS", default=PRODUCTION)
SECURE_HSTS_PRELOAD = env_bool("SECURE_HSTS_PRELOAD", default=PRODUCTION)
if env_bool("BEHIND_TLS_PROXY", default=False):
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")

# One cache per process (regions looked up, shared copies of public pages: core/pagecache.py), ~10 MB at most.
CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache", "OPTIONS": {"MAX_ENTRIES": 1000}}}
# Each page looks its region up; a process keeps what it found this long (saving a region drops it at once).
REGION_CACHE_SECONDS = env_int("REGION_CACHE_SECONDS", 30)
# A public page's stamp (core/pagecache.py) is read again after this long; visitors without a session see a change
# within it. 0: read on every request.
SHARED_COPY_STAMP_SECONDS = env_int("SHARED_COPY_STAMP_SECONDS", 1)

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": env_str("LOG_LEVEL", "INFO")},
}

NINJA_PAGINATION_PER_PAGE = 50
NINJA_PAGINATION_MAX_LIMIT = 500

SITE_NAME = "Kota Cerdas"
DEMO_PASSWORD = "kotacerdas-demo"
AXES_VERBOSE = False
NIK_SECRET = env_str("NIK_SECRET", "")  # separate key for citizen NIKs; falls back to SECRET_KEY
