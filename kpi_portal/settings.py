"""KPI Portal settings: one file, configured through environment variables.

SQLite is the default so a fresh clone runs with no server; production sets DATABASE_URL
to a PostgreSQL database.
"""

from __future__ import annotations

import os
import warnings
from datetime import timedelta
from pathlib import Path
from typing import Any
from urllib.parse import unquote, urlparse

BASE_DIR = Path(__file__).resolve().parent.parent


def envbool(name: str, default: str) -> bool:
    return os.getenv(name, default).strip().lower() in ("1", "true", "yes", "on")


def envint(name: str, default: str) -> int:
    return int(os.getenv(name, default))


def envlist(name: str, default: str) -> list[str]:
    return [item.strip() for item in os.getenv(name, default).split(",") if item.strip()]


# The embedded SQLite behaves like PostgreSQL under concurrent saves: WAL lets pages read
# while a save writes; IMMEDIATE makes a transaction take the write lock when it begins, so
# two saves queue on the busy timeout instead of deadlocking on the read-to-write upgrade
# (which SQLite answers at once with "database is locked", whatever the timeout). The loser
# of a race then reads the winner's version and gets the conflict page.
SQLITE_OPTIONS: dict[str, Any] = {
    "transaction_mode": "IMMEDIATE",
    "timeout": 20,
    "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
}


def sqlite_database(name: str | Path) -> dict[str, Any]:
    return {"ENGINE": "django.db.backends.sqlite3", "NAME": name, "OPTIONS": dict(SQLITE_OPTIONS)}


def postgres_options() -> str:
    """Planner settings for the portal's connections (issue 14, measured on the whole
    country, 2 cores):
    - JIT off: the pages' roll-up queries are short and many; JIT compilation took ~245 of
      the 370 ms of the ranking matrix's query. DB_JIT=on gives it back.
    - random_page_cost 1,1 (DB_RANDOM_PAGE_COST): the figures fit in memory or on SSD, so
      an index probe per unit is cheap; at the default 4 the planner scanned the country's
      165.000 rows to count a province's 573 units (158 -> 65 ms).
    - no parallel workers per query (DB_PARALLEL_WORKERS): on a small office server the
      cores serve concurrent requests; a gathered scan made the same count slower."""
    jit = "on" if envbool("DB_JIT", "off") else "off"
    page_cost = os.getenv("DB_RANDOM_PAGE_COST", "1.1")
    workers = envint("DB_PARALLEL_WORKERS", "0")
    return (
        f"-c jit={jit} -c random_page_cost={float(page_cost)} "
        f"-c max_parallel_workers_per_gather={workers}"
    )


def database_from_url(url: str) -> dict[str, Any]:
    """Translate DATABASE_URL (postgres://user:pass@host:port/name or sqlite:///path)."""
    parsed = urlparse(url)
    if parsed.scheme in ("postgres", "postgresql"):
        return {
            "ENGINE": "django.db.backends.postgresql",
            "NAME": unquote(parsed.path.lstrip("/")),
            "USER": unquote(parsed.username or ""),
            "PASSWORD": unquote(parsed.password or ""),
            "HOST": parsed.hostname or "",
            "PORT": str(parsed.port or ""),
            "CONN_MAX_AGE": envint("DB_CONN_MAX_AGE", "0"),
            "OPTIONS": {"options": postgres_options()},
        }
    if parsed.scheme == "sqlite":
        return sqlite_database(unquote(parsed.path) or ":memory:")
    raise ValueError(f"DATABASE_URL: unsupported scheme {parsed.scheme!r}")


# KPI_ENV=production turns on everything `check --deploy` asks for (HTTPS-only cookies,
# HSTS, redirect to HTTPS) and refuses to start without a real SECRET_KEY. The default,
# development, is what scripts/run.sh and the tests use: plain http on 127.0.0.1.
KPI_ENV = os.getenv("KPI_ENV", "development").strip().lower()
PRODUCTION = KPI_ENV == "production"
DEV_SECRET_KEY = "dev-only-insecure-key-change-me"
SECRET_KEY = os.getenv("SECRET_KEY", DEV_SECRET_KEY)
if PRODUCTION and (SECRET_KEY == DEV_SECRET_KEY or len(SECRET_KEY) < 50):
    from django.core.exceptions import ImproperlyConfigured

    raise ImproperlyConfigured(
        "KPI_ENV=production cần SECRET_KEY riêng, ít nhất 50 ký tự / needs its own SECRET_KEY "
        "of at least 50 characters (python -c 'import secrets; print(secrets.token_urlsafe(50))')."
    )
DEBUG = envbool("DEBUG", "false")
ALLOWED_HOSTS = envlist("ALLOWED_HOSTS", "" if PRODUCTION else "127.0.0.1,localhost,testserver")
CSRF_TRUSTED_ORIGINS = envlist("CSRF_TRUSTED_ORIGINS", "")

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "axes",
    "csp",
    "kpi_portal",
    "units",
    "indicators",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    # Static files from the portal's own process (gunicorn too): compressed (gzip, brotli)
    # and, under their hashed names, cached for a year (STORAGES below).
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "kpi_portal.middleware.ChosenLanguageMiddleware",
    "django.middleware.common.CommonMiddleware",
    # The period picker's fields in a GET become ?period=<code> (indicators/picker.py).
    "indicators.picker.PeriodPickerMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "csp.middleware.CSPMiddleware",
    # Remembers the current request so the audit log records who and from where even when
    # a service is called without it.
    "units.audit.request.AuditRequestMiddleware",
    # Last, as django-axes requires: turns a locked-out login into the lockout page.
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "kpi_portal.urls"
WSGI_APPLICATION = "kpi_portal.wsgi.application"

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
                "django.template.context_processors.i18n",
                "indicators.context_processors.portal_perms",
            ],
        },
    },
]

DATABASES: dict[str, dict[str, Any]] = {
    "default": database_from_url(os.environ["DATABASE_URL"])
    if os.getenv("DATABASE_URL")
    else sqlite_database(BASE_DIR / "db.sqlite3")
}
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_USER_MODEL = "units.User"
LOGIN_URL = "login"
# "/" sends each role to its own home page (indicators.access.home_page); a `next` is
# followed only when it is a URL of this site (Django's LoginView checks it).
LOGIN_REDIRECT_URL = "indicators:index"
LOGOUT_REDIRECT_URL = "login"
# The lockout check first (django-axes), then the ordinary username/password check.
AUTHENTICATION_BACKENDS = [
    "units.signin.backends.LockoutBackend",
    "django.contrib.auth.backends.ModelBackend",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

# Vietnamese first, English second. The project formats module gives `1.087`, `83,66`
# and day-first date input, which Django's own vi formats do not.
LANGUAGE_CODE = "vi"
LANGUAGES = [("vi", "Tiếng Việt"), ("en", "English")]
LOCALE_PATHS = [BASE_DIR / "locale"]
USE_I18N = True
USE_TZ = True
TIME_ZONE = "Asia/Ho_Chi_Minh"
FORMAT_MODULE_PATH = ["kpi_portal.formats"]
USE_THOUSAND_SEPARATOR = True

STATIC_URL = "static/"
STATIC_ROOT = BASE_DIR / "staticfiles"
# Entries are directories, or (prefix, directory) pairs like the plotly one below.
STATICFILES_DIRS: list[Path | tuple[str, Path]] = [BASE_DIR / "static"]
# Hashed names (app.3f2a….js) with gzip and brotli copies made once by `collectstatic`,
# served by whitenoise with "Cache-Control: max-age=315360000, immutable": plotly.min.js
# (4,8 MB) travels as ~1 MB, once. On in production (it needs `manage.py collectstatic`
# before the server starts: a page naming a file missing from the manifest is an error);
# development and the tests read the files in place (STATIC_MANIFEST=1 to try it there).
STATIC_MANIFEST = envbool("STATIC_MANIFEST", str(PRODUCTION))
STORAGES: dict[str, dict[str, Any]] = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"
        if STATIC_MANIFEST
        else "django.contrib.staticfiles.storage.StaticFilesStorage"
    },
}
# Without the manifest whitenoise serves the files where the finders find them (no
# collectstatic needed: scripts/run.sh, the load test's gunicorn, the tests).
WHITENOISE_USE_FINDERS = not STATIC_MANIFEST
if not STATIC_MANIFEST:
    # Then STATIC_ROOT (kept for `collectstatic`) usually does not exist, and whitenoise
    # would warn about it on every start although it serves from the finders.
    warnings.filterwarnings("ignore", message="No directory at", category=UserWarning)

# A session lasts one working day at most and ends when the browser closes (shared office
# computers). Changing the password ends every other session (Django's session auth hash).
SESSION_COOKIE_AGE = envint("SESSION_COOKIE_AGE", str(8 * 3600))
SESSION_EXPIRE_AT_BROWSER_CLOSE = envbool("SESSION_EXPIRE_AT_BROWSER_CLOSE", "true")
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
CSRF_COOKIE_HTTPONLY = True
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"

# HTTPS. On in production (KPI_ENV=production), off by default in development so runserver
# on http://127.0.0.1 works; each can be set on its own from the environment.
SECURE_SSL_REDIRECT = envbool("SECURE_SSL_REDIRECT", str(PRODUCTION))
SESSION_COOKIE_SECURE = envbool("SESSION_COOKIE_SECURE", str(PRODUCTION))
CSRF_COOKIE_SECURE = envbool("CSRF_COOKIE_SECURE", str(PRODUCTION))
SECURE_HSTS_SECONDS = envint("SECURE_HSTS_SECONDS", "31536000" if PRODUCTION else "0")
SECURE_HSTS_INCLUDE_SUBDOMAINS = envbool("SECURE_HSTS_INCLUDE_SUBDOMAINS", str(PRODUCTION))
SECURE_HSTS_PRELOAD = envbool("SECURE_HSTS_PRELOAD", str(PRODUCTION))
# Behind a TLS-terminating proxy: SECURE_PROXY_SSL_HEADER=HTTP_X_FORWARDED_PROTO,https
if os.getenv("SECURE_PROXY_SSL_HEADER"):
    _header, _, _value = os.environ["SECURE_PROXY_SSL_HEADER"].partition(",")
    SECURE_PROXY_SSL_HEADER = (_header.strip(), _value.strip() or "https")
# Client addresses (audit log, lockout): REMOTE_ADDR, unless the portal sits behind this
# many trusted proxies that append to X-Forwarded-For.
TRUSTED_PROXY_COUNT = envint("TRUSTED_PROXY_COUNT", "0")

# Content-Security-Policy (django-csp 4): no inline script or style, nothing from another
# origin. Plotly's PNG download needs data: and blob: images. plotly.js adds its CSS rules
# through an EMPTY <style> element and the CSSOM: the hash of the empty string admits that
# element and nothing else (an inline style with any content is still refused).
EMPTY_STYLE_HASH = "'sha256-47DEQpj8HBSa+/TImW+5JCeuQeRkm5NMpJWZG3hSuFU='"
# plotly.min.js (3.7) also inserts MapLibre's stylesheet as one fixed <style> text when it
# loads; its hash admits exactly that text. tests/browser/test_csp_browser.py fails when a
# plotly upgrade changes it (the violation report names the new hash to put here).
PLOTLY_MAPLIBRE_STYLE_HASH = "'sha256-V2sIX92Uh6ZaGSFTKMHghsB85b9toJtmazgG09AI2uk='"
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": ["'self'"],
        "script-src": ["'self'"],
        "style-src": ["'self'", EMPTY_STYLE_HASH, PLOTLY_MAPLIBRE_STYLE_HASH],
        "img-src": ["'self'", "data:", "blob:"],
        "font-src": ["'self'"],
        "connect-src": ["'self'"],
        "frame-ancestors": ["'none'"],
        "form-action": ["'self'"],
        "base-uri": ["'self'"],
        "object-src": ["'none'"],
    }
}

# Lockout after repeated failed logins (django-axes): per username and address together,
# so one office's shared address is not locked because of one user.
AXES_FAILURE_LIMIT = envint("AXES_FAILURE_LIMIT", "5")
AXES_COOLOFF_TIME = timedelta(minutes=envint("AXES_COOLOFF_MINUTES", "30"))
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_RESET_ON_SUCCESS = True
# A lock ends 30 minutes after the failure that set it: attempts during the lock are refused
# without restarting it, so nobody can keep a colleague locked out by retrying.
AXES_RESET_COOL_OFF_ON_FAILURE_DURING_LOCKOUT = False
# Password spraying: failures from one address across usernames within the cool-off. Far
# above the per-user limit, since an office of many users may sit behind one address.
LOGIN_MAX_FAILURES_PER_ADDRESS = envint("LOGIN_MAX_FAILURES_PER_ADDRESS", "20")
AXES_HTTP_RESPONSE_CODE = 429  # axes' default, named here for the lockout page
AXES_LOCKOUT_CALLABLE = "units.signin.views.lockout_response"  # templates/axes_lockout.html
AXES_CLIENT_IP_CALLABLE = "units.audit.request.client_ip"
AXES_VERBOSE = False
# axes' database handler that also logs lockouts lifted with its reset commands.
AXES_HANDLER = "units.signin.axes_handler.AuditedAxesHandler"

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "filters": {"client_errors_on_one_line": {"()": "kpi_portal.logging.ClientErrorsOnOneLine"}},
    "handlers": {
        "console": {"class": "logging.StreamHandler", "filters": ["client_errors_on_one_line"]}
    },
    "root": {"handlers": ["console"], "level": os.getenv("LOG_LEVEL", "WARNING")},
}


def _plotly_js_dir() -> Path:
    # The plotly wheel ships plotly.min.js; serving it from our own static files means no
    # page ever asks a CDN for it.
    import importlib.util

    spec = importlib.util.find_spec("plotly")
    assert spec is not None and spec.submodule_search_locations
    return Path(next(iter(spec.submodule_search_locations))) / "package_data"


STATICFILES_DIRS.append(("plotly", _plotly_js_dir()))

# Uploads: a figures workbook is a few hundred kB; refuse anything far larger, and refuse
# workbooks that unpack to more than IMPORT_MAX_UNPACKED_BYTES (zip bombs).
IMPORT_MAX_BYTES = envint("IMPORT_MAX_BYTES", str(5 * 1024 * 1024))
IMPORT_MAX_UNPACKED_BYTES = envint("IMPORT_MAX_UNPACKED_BYTES", str(50 * 1024 * 1024))
FILE_UPLOAD_MAX_MEMORY_SIZE = IMPORT_MAX_BYTES
DATA_UPLOAD_MAX_MEMORY_SIZE = IMPORT_MAX_BYTES + 1024 * 1024

# Four eyes: whoever entered or changed a unit's figures cannot approve them. A one-person
# office may turn it off (FIGURES_FOUR_EYES=0); the history still says who did what.
FIGURES_FOUR_EYES = envbool("FIGURES_FOUR_EYES", "1")

# Data-entry warnings: a rate moving more than this many points from the previous period.
FIGURES_MAX_RATE_JUMP = envint("FIGURES_MAX_RATE_JUMP", "20")
# The largest sheet (and CSV) an import reads, checked on the cells it really holds before
# anything is built from it. A national month is ~10.800 rows (63 provinces, 696 districts,
# ~10.040 communes) of ~30 columns; the bounds leave room for headers and notes.
IMPORT_MAX_ROWS = envint("IMPORT_MAX_ROWS", "15000")
IMPORT_MAX_COLUMNS = envint("IMPORT_MAX_COLUMNS", "200")
# Of the rectangle from A1 to the last cell (the readers walk it, empty cells included).
IMPORT_MAX_CELLS = envint("IMPORT_MAX_CELLS", "500000")
# Problems an import keeps and shows (errors first); the counts stay whole.
IMPORT_MAX_PROBLEMS = envint("IMPORT_MAX_PROBLEMS", "200")
