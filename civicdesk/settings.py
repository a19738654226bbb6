"""Settings read from the environment (see docs/configuration.md for every variable)."""

import os
from pathlib import Path

import dj_database_url

BASE_DIR = Path(__file__).resolve().parent
PROJECT_DIR = BASE_DIR.parent


def env(name, default=""):
    return os.environ.get(name, default)


def env_bool(name, default=False):
    value = os.environ.get(name)
    if value is None or value == "":
        return default
    return value.strip().lower() in ("1", "true", "yes", "on")


def env_list(name, default=""):
    return [item.strip() for item in env(name, default).split(",") if item.strip()]


DEBUG = env_bool("DEBUG", False)
SECRET_KEY = env("SECRET_KEY") or "dev-only-insecure-key-set-SECRET_KEY-in-production"
ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", "127.0.0.1,localhost,testserver")
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS")

DATA_DIR = Path(env("DATA_DIR") or PROJECT_DIR / "var")

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "rest_framework",
    "rest_framework.authtoken",
    "drf_spectacular",
    "drf_spectacular_sidecar",
    "django_filters",
    "django_tasks",
    "django_tasks_db",
    "django_rq",
    "civicdesk.org",
    "civicdesk.catalogue",
    "civicdesk.cases",
    "civicdesk.classifier",
    "civicdesk.insight",
    "civicdesk.knowledge",
    "civicdesk.open311",
    "civicdesk.api",
    "civicdesk.notify",
    "civicdesk.ratelimit",
    "civicdesk.board",
    "civicdesk.field",
    "civicdesk.background",
    "civicdesk.backup",
    "civicdesk.demo",
    "civicdesk.web",
]

MIDDLEWARE = [
    "civicdesk.monitoring.requests.CountRequests",  # first: it times everything below it
    "django.middleware.security.SecurityMiddleware",
    # Static files served by the application itself (no CDN, no separate web server needed).
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "civicdesk.middleware.RefuseUnstorableText",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
]

ROOT_URLCONF = "civicdesk.urls"
WSGI_APPLICATION = "civicdesk.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "civicdesk.web.context.navigation",
            ],
        },
    },
]


# Django's SQLite backend with a write gate (civicdesk/db/sqlite/base.py): writers queue on a file lock.
SQLITE_ENGINE = "civicdesk.db.sqlite"


def database_config():
    """PostgreSQL (or any URL) from DATABASE_URL; otherwise SQLite in WAL mode under DATA_DIR.

    SQLite runs write transactions as BEGIN IMMEDIATE so that two writers queue on the database lock
    instead of failing half-way with "database is locked" when one upgrades a read to a write.
    """
    url = env("DATABASE_URL")
    if url:
        config = dj_database_url.parse(url, conn_max_age=int(env("DB_CONN_MAX_AGE", "0")))
        if config["ENGINE"] == "django.db.backends.sqlite3":
            config["ENGINE"] = SQLITE_ENGINE
            config["OPTIONS"] = sqlite_options()
        return config
    DATA_DIR.mkdir(parents=True, exist_ok=True)
    return {
        "ENGINE": SQLITE_ENGINE,
        "NAME": str(DATA_DIR / "civicdesk.sqlite3"),
        "OPTIONS": sqlite_options(),
        # A file, not the in-memory default: tests race real connections against it, as production does.
        # Named per process, so two test runs on one machine never share (and destroy) one test database.
        "TEST": {"NAME": str(DATA_DIR / f"test-civicdesk-{os.getpid()}.sqlite3")},
    }


def sqlite_options():
    return {
        "transaction_mode": "IMMEDIATE",
        "timeout": 20,
        "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL; PRAGMA foreign_keys=ON;",
    }


DATABASES = {"default": database_config()}
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"
AUTH_USER_MODEL = "org.User"

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
]

LANGUAGE_CODE = env("LANGUAGE_CODE", "zh-hans")
LANGUAGES = [("zh-hans", "简体中文"), ("en", "English")]
LOCALE_PATHS = [BASE_DIR / "locale"]
TIME_ZONE = env("TIME_ZONE", "Asia/Shanghai")
USE_I18N = True
USE_TZ = True

STATIC_URL = "/static/"
STATIC_ROOT = Path(env("STATIC_ROOT") or DATA_DIR / "static")
# Without collectstatic (development, tests) WhiteNoise serves straight from the apps' static folders.
WHITENOISE_USE_FINDERS = True
STATIC_ROOT.mkdir(parents=True, exist_ok=True)
WHITENOISE_AUTOREFRESH = DEBUG
MEDIA_URL = "/media/"
MEDIA_ROOT = Path(env("MEDIA_ROOT") or DATA_DIR / "media")

LOGIN_URL = "/login/"
LOGIN_REDIRECT_URL = "/work/"
LOGOUT_REDIRECT_URL = "/"

# Attachments: largest accepted upload, in bytes.
CIVICDESK_MAX_ATTACHMENT_BYTES = int(env("CIVICDESK_MAX_ATTACHMENT_BYTES", str(10 * 1024 * 1024)))
# A case is "approaching" its deadline once this share of its handling time has passed.
CIVICDESK_APPROACHING_SHARE = float(env("CIVICDESK_APPROACHING_SHARE", "0.8"))

# Background tasks (docs/deploy.md): the database queue by default, Redis (RQ) when one machine is not enough.
TASKS_BACKEND = env("TASKS_BACKEND", "django_tasks_db.DatabaseBackend")
TASKS = {"default": {"BACKEND": TASKS_BACKEND}}
if TASKS_BACKEND.startswith("django_tasks_rq"):
    TASKS["default"]["QUEUES"] = ["default"]
RQ_QUEUES = {"default": {"URL": env("REDIS_URL", "redis://127.0.0.1:6379/0"), "DEFAULT_TIMEOUT": 600}}

# Periodic jobs every `civicdesk worker` runs (docs/deploy.md): the SLA sweep and sending due notifications.
CIVICDESK_SLA_SWEEP_SECONDS = float(env("CIVICDESK_SLA_SWEEP_SECONDS", "60"))
CIVICDESK_NOTIFY_POLL_SECONDS = float(env("CIVICDESK_NOTIFY_POLL_SECONDS", "5"))
# The dashboard map's tile server, e.g. an intranet's "https://tiles.example.gov/{z}/{x}/{y}.png"; empty:
# no tiles (areas are drawn on a plain background, so an offline intranet still gets a map).
CIVICDESK_MAP_TILES = env("CIVICDESK_MAP_TILES", "")
CIVICDESK_MAP_ATTRIBUTION = env("CIVICDESK_MAP_ATTRIBUTION", "")
# How often workers fold the rollup journal: the most the assessment and dashboards trail the ledger by.
CIVICDESK_ROLLUP_SECONDS = float(env("CIVICDESK_ROLLUP_SECONDS", "5"))

# Notifications (docs/notifications.md). E-mail through Django's backends; SMS through a pluggable backend.
EMAIL_BACKEND = env("EMAIL_BACKEND", "django.core.mail.backends.console.EmailBackend")
EMAIL_HOST = env("EMAIL_HOST", "localhost")
EMAIL_PORT = int(env("EMAIL_PORT", "25"))
EMAIL_HOST_USER = env("EMAIL_HOST_USER")
EMAIL_HOST_PASSWORD = env("EMAIL_HOST_PASSWORD")
EMAIL_USE_TLS = env_bool("EMAIL_USE_TLS", False)
EMAIL_TIMEOUT = int(env("EMAIL_TIMEOUT", "20"))
DEFAULT_FROM_EMAIL = env("DEFAULT_FROM_EMAIL", "12345@localhost")
CIVICDESK_SMS_BACKEND = env("CIVICDESK_SMS_BACKEND", "civicdesk.notify.sms.ConsoleBackend")
CIVICDESK_SMS_URL = env("CIVICDESK_SMS_URL")
CIVICDESK_SMS_TOKEN = env("CIVICDESK_SMS_TOKEN")
CIVICDESK_SMS_TIMEOUT = float(env("CIVICDESK_SMS_TIMEOUT", "10"))

# /metrics (Prometheus) answers loopback addresses, or anyone with this bearer token.
CIVICDESK_METRICS_TOKEN = env("CIVICDESK_METRICS_TOKEN")

# Rate limits on public endpoints (civicdesk/ratelimit/limits.py for the defaults), e.g.
# CIVICDESK_RATE_LIMITS="track=30/10m,submit=off". Behind a reverse proxy, set CIVICDESK_TRUSTED_PROXIES to
# the number of proxies that append to X-Forwarded-For, so that limits count citizens, not the proxy.
CIVICDESK_RATE_LIMITS = dict(item.split("=", 1) for item in env_list("CIVICDESK_RATE_LIMITS") if "=" in item)
CIVICDESK_TRUSTED_PROXIES = int(env("CIVICDESK_TRUSTED_PROXIES", "0"))

# Seconds a process keeps the catalogue's reference data (categories, SLA rules, calendar) before re-reading.
CIVICDESK_REFERENCE_SECONDS = int(env("CIVICDESK_REFERENCE_SECONDS", "60"))
# Smart dispatch (docs/classifier.md): suggestions at intake, and automatic dispatch of the requests whose
# category the classifier is at least this sure of ("off": every request waits for a dispatcher).
CIVICDESK_CLASSIFIER = env_bool("CIVICDESK_CLASSIFIER", True)
_auto = env("CIVICDESK_AUTO_DISPATCH_CONFIDENCE", "0.9").strip().lower()
CIVICDESK_AUTO_DISPATCH_CONFIDENCE = None if _auto in ("", "off", "none", "0") else float(_auto)

# Open311 GeoReport v2 (docs/open311.md)
OPEN311_JURISDICTION = env("OPEN311_JURISDICTION", "")
OPEN311_BATCH = env_bool("OPEN311_BATCH", False)
OPEN311_CONTACT = env("OPEN311_CONTACT", "12345 热线中心")
OPEN311_KEY_SERVICE = env("OPEN311_KEY_SERVICE", "向热线中心管理员申请接口密钥（管理后台 → 接口密钥）")
OPEN311_CHANGESET = "2026-11-22T00:00:00Z"

REST_FRAMEWORK = {
    "DEFAULT_SCHEMA_CLASS": "drf_spectacular.openapi.AutoSchema",
    "DEFAULT_AUTHENTICATION_CLASSES": [
        "rest_framework.authentication.TokenAuthentication",
        "rest_framework.authentication.SessionAuthentication",
    ],
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.IsAuthenticated"],
    "DEFAULT_RENDERER_CLASSES": ["rest_framework.renderers.JSONRenderer"],
    "EXCEPTION_HANDLER": "civicdesk.api.errors.handle",
}
SPECTACULAR_SETTINGS = {
    "TITLE": "civicdesk API",
    "DESCRIPTION": "The case ledger's lifecycle for staff, integrations and citizens' apps (docs/api.md).",
    "VERSION": "1",
    "SERVE_INCLUDE_SCHEMA": False,
    # The docs page is served from the project itself (no CDN): drf-spectacular-sidecar ships Swagger UI.
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
    "ENUM_NAME_OVERRIDES": {
        "CaseKindEnum": "civicdesk.catalogue.models.Kind",
        "UnitKindEnum": "civicdesk.org.models.UnitKind",
        "PriorityEnum": "civicdesk.catalogue.models.Priority",
    },
}

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": env("LOG_LEVEL", "INFO")},
}

if not DEBUG:
    SESSION_COOKIE_HTTPONLY = True
    SECURE_CONTENT_TYPE_NOSNIFF = True
