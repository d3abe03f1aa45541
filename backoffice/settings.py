"""Collect Desk settings: everything comes from the environment, with safe defaults for local use.

Every variable is documented in the README. Production mode is `DJANGO_DEBUG=false`.
"""

import os
from datetime import timedelta
from decimal import Decimal
from pathlib import Path
from urllib.parse import urlsplit

from django.core.exceptions import ImproperlyConfigured
from django.utils.csp import CSP
from django.utils.translation import gettext_lazy as _

from backoffice.env import (
    cache_from_url,
    database_from_url,
    env_bool,
    env_float,
    env_int,
    env_list,
    env_str,
)
from backoffice.observability.logs import logging_config

BASE_DIR = Path(__file__).resolve().parent.parent
VAR_DIR = Path(env_str("COLLECT_DESK_VAR_DIR", str(BASE_DIR / "var")))

# --- Core -------------------------------------------------------------------------------------
DEBUG = env_bool("DJANGO_DEBUG", True)

_DEV_SECRET_KEY = "local-development-key-never-used-in-production-5f1c9a0e7b"  # noqa: S105
SECRET_KEY = env_str("DJANGO_SECRET_KEY")
if not SECRET_KEY:
    if not DEBUG:
        raise ImproperlyConfigured("DJANGO_SECRET_KEY must be set when DJANGO_DEBUG is false.")
    SECRET_KEY = _DEV_SECRET_KEY
elif not DEBUG and (SECRET_KEY == _DEV_SECRET_KEY or len(SECRET_KEY) < 50):
    raise ImproperlyConfigured(
        "DJANGO_SECRET_KEY must be a real secret of at least 50 characters in production."
    )

ALLOWED_HOSTS = env_list(
    "DJANGO_ALLOWED_HOSTS", ["127.0.0.1", "localhost", "[::1]"] if DEBUG else []
)
if not DEBUG and not ALLOWED_HOSTS:
    raise ImproperlyConfigured("DJANGO_ALLOWED_HOSTS must be set when DJANGO_DEBUG is false.")
CSRF_TRUSTED_ORIGINS = env_list("DJANGO_CSRF_TRUSTED_ORIGINS", [])
# How many reverse proxies in front of the app append to X-Forwarded-For (0: use REMOTE_ADDR).
# The client address feeds sign-in throttling and the audit trail.
TRUSTED_PROXY_COUNT = env_int("DJANGO_TRUSTED_PROXY_COUNT", 0)

# The emulator of the Aptic API is served by default on a developer's machine.
APTIC_SANDBOX = env_bool("APTIC_SANDBOX", DEBUG)

INSTALLED_APPS = [
    "backoffice.admin_site.DeskAdminConfig",  # django.contrib.admin, open to the admin role
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django_htmx",
    "django_tables2",
    "axes",
    "django_tasks_db",
    "django_otp",
    "django_otp.plugins.otp_totp",
    "django_otp.plugins.otp_static",
    "mozilla_django_oidc",
    "backoffice",  # after the apps whose admin pages backoffice/admin.py takes away
    "backoffice.observability",  # logs, /metrics, tracing when OTEL_* is set
    "backoffice.audit",
    "backoffice.jobs",
    "backoffice.signin",  # sign-in events, sessions, single sign-on, two-factor
    "debtors",
    "plans",
    "work",
]
if APTIC_SANDBOX:
    INSTALLED_APPS.append("sandbox")

MIDDLEWARE = [
    "backoffice.observability.cpu.ServerTimingMiddleware",  # first: it counts all the others
    "django.middleware.security.SecurityMiddleware",
    "django.middleware.csp.ContentSecurityPolicyMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "backoffice.middleware.RequestIdMiddleware",
    "backoffice.observability.middleware.RequestLogMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "backoffice.middleware.IdleSessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "backoffice.middleware.ActorMiddleware",
    "backoffice.signin.middleware.SessionActivityMiddleware",  # last seen, expiry noticed
    "django.contrib.auth.middleware.LoginRequiredMiddleware",
    "django_otp.middleware.OTPMiddleware",  # request.user.is_verified()
    "backoffice.signin.two_factor.middleware.SecondFactorMiddleware",  # the owed second step
    "backoffice.middleware.UserLanguageMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    "axes.middleware.AxesMiddleware",
    # Last, so its process_exception sees a view's "database is locked" first: 503, not 500.
    "backoffice.busy.DatabaseBusyMiddleware",
]

ROOT_URLCONF = "backoffice.urls"
WSGI_APPLICATION = "backoffice.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.template.context_processors.csp",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "backoffice.context_processors.navigation",
                "backoffice.context_processors.cache_health",
            ],
        },
    },
]

# Form widgets drawn by Jinja2 from Django's own widget templates (the same markup; see the
# module for why).
FORM_RENDERER = "backoffice.form_renderer.FormRenderer"

# Background jobs: Django's task framework, queued in the database (`manage.py db_worker`).
TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}
# Exports of more audit entries than this are written to a file by a job, not streamed.
AUDIT_EXPORT_STREAM_MAX = env_int("AUDIT_EXPORT_STREAM_MAX", 10_000)
# Where export jobs write their files (each server that offers the download must see them).
JOBS_EXPORT_DIR = Path(env_str("JOBS_EXPORT_DIR", str(VAR_DIR / "exports")))
# `jobs_enqueue audit_archive` without --before archives the entries older than this.
AUDIT_RETENTION_DAYS = env_int("AUDIT_RETENTION_DAYS", 1825)

# The count on a navigation item: a function of the signed-in user, per item key.
NAV_BADGES = {
    "work": "work.selectors.my_day_count",
    "approvals": "plans.selectors.approvals_waiting_count",
}

# --- Databases and cache ----------------------------------------------------------------------
DATABASES = {
    "default": database_from_url(
        env_str("DATABASE_URL") or f"sqlite:///{VAR_DIR / 'backoffice.sqlite3'}"
    ),
}
if APTIC_SANDBOX:
    DATABASES["sandbox"] = database_from_url(
        env_str("SANDBOX_DATABASE_URL") or f"sqlite:///{VAR_DIR / 'sandbox.sqlite3'}"
    )
    DATABASE_ROUTERS = ["sandbox.router.SandboxRouter"]
# SQLite test databases are files, not shared in-memory ones: the live server's threads then
# each open their own connection, as they do in production. One set per test process.
for _alias, _db in DATABASES.items():
    if _db["ENGINE"] == "django.db.backends.sqlite3":
        (VAR_DIR / "test").mkdir(parents=True, exist_ok=True)
        _db["TEST"] = {"NAME": str(VAR_DIR / "test" / f"{_alias}-{os.getpid()}.sqlite3")}
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# Redis is a cache, not a dependency (backoffice/cache.py): past these socket timeouts each
# process serves the cache from its own memory, and tries Redis again every CACHE_RETRY_SECONDS.
CACHES = {
    "default": cache_from_url(
        env_str("CACHE_URL") or "locmem://collect-desk",
        connect_timeout=env_float("CACHE_CONNECT_TIMEOUT", 0.25),
        read_timeout=env_float("CACHE_READ_TIMEOUT", 0.5),
        retry_seconds=env_float("CACHE_RETRY_SECONDS", 5.0),
    )
}

# --- Sign-in, sessions, throttling ------------------------------------------------------------
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "backoffice.auth_backend.CollectDeskBackend",
]
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "home"
LOGOUT_REDIRECT_URL = "login"
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
# A back-office session ends after 30 idle minutes (less up to one refresh interval: see
# IdleSessionMiddleware) and when the browser closes.
SESSION_COOKIE_AGE = env_int("SESSION_IDLE_SECONDS", 30 * 60)
SESSION_REFRESH_SECONDS = min(60, SESSION_COOKIE_AGE // 10)
SESSION_EXPIRE_AT_BROWSER_CLOSE = True
# Each user's permissions and role groups, kept in the cache (backoffice/grants.py) only when
# every process shares it.
_SHARED_CACHE = CACHES["default"]["BACKEND"] == "backoffice.cache.RedisCache"
GRANTS_CACHE_SECONDS = env_int("GRANTS_CACHE_SECONDS", 300 if _SHARED_CACHE else 0)

# Sessions and sign-in throttling live in the database, so neither needs Redis to be up
# (Django's database sessions, each request's read by one plain SELECT).
SESSION_ENGINE = "backoffice.signin.session_store"
AXES_HANDLER = "axes.handlers.database.AxesDatabaseHandler"
AXES_FAILURE_LIMIT = env_int("AXES_FAILURE_LIMIT", 5)
AXES_COOLOFF_TIME = timedelta(minutes=env_int("AXES_COOLOFF_MINUTES", 15))
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_RESET_ON_SUCCESS = True
# Renders registration/locked_out.html with the cool-off in minutes, status 429.
AXES_LOCKOUT_CALLABLE = "backoffice.signin.views.locked_out"
AXES_CLIENT_IP_CALLABLE = "backoffice.middleware.client_ip"
AXES_VERBOSE = False

DEMO_PASSWORD = env_str("DEMO_PASSWORD", "demo")

# --- Single sign-on (backoffice/signin/sso) ----------------------------------------------------
# On when OIDC_ISSUER is set: the provider's endpoints come from its discovery document.
OIDC_ISSUER = env_str("OIDC_ISSUER", "").rstrip("/")
OIDC_RP_CLIENT_ID = env_str("OIDC_CLIENT_ID", "")
OIDC_RP_CLIENT_SECRET = env_str("OIDC_CLIENT_SECRET", "")
OIDC_RP_SCOPES = env_str("OIDC_SCOPES", "openid profile email")
OIDC_RP_SIGN_ALGO = env_str("OIDC_SIGN_ALGO", "RS256")
OIDC_GROUPS_CLAIM = env_str("OIDC_GROUPS_CLAIM", "groups")
# "role:group" pairs; a role may be named more than once; the highest role claimed wins.
OIDC_ROLE_GROUPS = env_str("OIDC_ROLE_GROUPS", "")
OIDC_PROVIDER_NAME = env_str("OIDC_PROVIDER_NAME", "")
OIDC_TIMEOUT = env_float("OIDC_TIMEOUT", 5.0)
# Client authentication at the token endpoint: HTTP Basic (client_secret_basic), or the
# secret in the body (OIDC_TOKEN_USE_BASIC_AUTH=false: client_secret_post).
OIDC_TOKEN_USE_BASIC_AUTH = env_bool("OIDC_TOKEN_USE_BASIC_AUTH", True)
OIDC_USE_PKCE = True
OIDC_USE_NONCE = True
OIDC_STORE_ID_TOKEN = True  # sent back as id_token_hint when signing out at the provider
OIDC_AUTHENTICATION_CALLBACK_URL = "signin:sso-callback"
OIDC_CREATE_USER = True
LOGIN_REDIRECT_URL_FAILURE = "/accounts/login/"
# Local passwords: LOCAL_SIGNIN=false keeps them for break-glass admin accounts only.
LOCAL_SIGNIN = env_bool("LOCAL_SIGNIN", True)
if OIDC_ISSUER:
    AUTHENTICATION_BACKENDS.append("backoffice.signin.sso.backend.SsoBackend")

# --- Two-factor for local accounts (backoffice/signin/two_factor) ------------------------------
# The roles that must sign in with a password and an authenticator code ("agent,supervisor,
# admin" makes it everyone's; empty, no one's). Single sign-on leaves it to the provider.
MFA_REQUIRED_ROLES = tuple(
    role.strip() for role in env_str("MFA_REQUIRED_ROLES", "supervisor,admin").split(",")
    if role.strip()
)
OTP_TOTP_ISSUER = env_str("OTP_TOTP_ISSUER", "Collect Desk")
# Each wrong code doubles the wait before the next try (1 s, 2 s, 4 s ...).
OTP_TOTP_THROTTLE_FACTOR = 1

# --- Security headers -------------------------------------------------------------------------
SESSION_COOKIE_HTTPONLY = True
CSRF_COOKIE_HTTPONLY = True  # htmx takes the token from the page, not the cookie.
SESSION_COOKIE_SAMESITE = "Lax"
CSRF_COOKIE_SAMESITE = "Lax"
X_FRAME_OPTIONS = "DENY"
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
SECURE_CSP = {
    "default-src": [CSP.SELF],
    "script-src": [CSP.SELF],
    "style-src": [CSP.SELF],
    "img-src": [CSP.SELF, "data:"],
    "font-src": [CSP.SELF],
    "connect-src": [CSP.SELF],
    "object-src": [CSP.NONE],
    "base-uri": [CSP.SELF],
    "form-action": [CSP.SELF],
    "frame-ancestors": [CSP.NONE],
}
if OIDC_ISSUER:
    # Signing out is a form POST that ends at the provider's end-session page; browsers hold
    # the redirects after a form to form-action.
    SECURE_CSP["form-action"].append(
        "{0.scheme}://{0.netloc}".format(urlsplit(OIDC_ISSUER)))
if not DEBUG:
    SECURE_SSL_REDIRECT = env_bool("DJANGO_SECURE_SSL_REDIRECT", True)
    # Prometheus scrapes each app server directly, over plain HTTP inside the network.
    SECURE_REDIRECT_EXEMPT = [r"^metrics$"]
    SECURE_HSTS_SECONDS = env_int("DJANGO_HSTS_SECONDS", 31_536_000)
    SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    SECURE_HSTS_PRELOAD = True
    SESSION_COOKIE_SECURE = True
    CSRF_COOKIE_SECURE = True
    if env_bool("DJANGO_BEHIND_TLS_PROXY", True):
        SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")

# --- Languages and formats --------------------------------------------------------------------
LANGUAGE_CODE = "en"
LANGUAGES = [
    ("en", _("English")),
    ("sv", _("Swedish")),
    ("nb", _("Norwegian Bokmål")),
    ("fi", _("Finnish")),
]
LOCALE_PATHS = [BASE_DIR / "locale"]
# British date and time formats for English (Django's "en" is American); the Nordic languages
# use Django's own.
FORMAT_MODULE_PATH = ["backoffice.formats"]
USE_I18N = True
USE_TZ = True
TIME_ZONE = env_str("DJANGO_TIME_ZONE", "Europe/Stockholm")

# --- Static files -----------------------------------------------------------------------------
STATIC_URL = "static/"
STATICFILES_DIRS = [BASE_DIR / "static"]
STATIC_ROOT = VAR_DIR / "staticfiles"
if DEBUG:
    # WhiteNoise serves from the finders locally, but warns when STATIC_ROOT does not exist.
    STATIC_ROOT.mkdir(parents=True, exist_ok=True)
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"
        if DEBUG
        else "whitenoise.storage.CompressedManifestStaticFilesStorage"
    },
}

DJANGO_TABLES2_TEMPLATE = "tables/table.html"

# --- Aptic ------------------------------------------------------------------------------------
# With the sandbox on, the defaults point at the emulator mounted in this very server; the run
# command starts it on a server of its own and sets APTIC_BASE_URL/APTIC_TOKEN_URL to that.
_SANDBOX_ROOT = "http://127.0.0.1:8000/sandbox"
APTIC_BASE_URL = env_str("APTIC_BASE_URL", f"{_SANDBOX_ROOT}/api/v1" if APTIC_SANDBOX else "")
APTIC_TOKEN_URL = env_str(
    "APTIC_TOKEN_URL", f"{_SANDBOX_ROOT}/oauth/token" if APTIC_SANDBOX else ""
)
APTIC_CLIENT_ID = env_str("APTIC_CLIENT_ID", "sandbox-client" if APTIC_SANDBOX else "")
APTIC_CLIENT_SECRET = env_str("APTIC_CLIENT_SECRET", "sandbox-secret" if APTIC_SANDBOX else "")
APTIC_SCOPE = env_str("APTIC_SCOPE")
APTIC_CONNECT_TIMEOUT = env_float("APTIC_CONNECT_TIMEOUT", 3.0)
APTIC_READ_TIMEOUT = env_float("APTIC_READ_TIMEOUT", 10.0)
APTIC_TOKEN_TIMEOUT = env_float("APTIC_TOKEN_TIMEOUT", 5.0)
APTIC_RETRY_BUDGET = env_float("APTIC_RETRY_BUDGET", 8.0)
APTIC_RETRY_ATTEMPTS = env_int("APTIC_RETRY_ATTEMPTS", 3)
# Backoff between retries (seconds): exponential from INITIAL, capped at MAX, plus up to JITTER.
APTIC_RETRY_WAIT_INITIAL = env_float("APTIC_RETRY_WAIT_INITIAL", 0.2)
APTIC_RETRY_WAIT_MAX = env_float("APTIC_RETRY_WAIT_MAX", 2.0)
APTIC_RETRY_WAIT_JITTER = env_float("APTIC_RETRY_WAIT_JITTER", 0.3)
APTIC_BREAKER_FAIL_MAX = env_int("APTIC_BREAKER_FAIL_MAX", 5)
APTIC_BREAKER_RESET_SECONDS = env_int("APTIC_BREAKER_RESET_SECONDS", 30)
APTIC_MAX_CONNECTIONS = env_int("APTIC_MAX_CONNECTIONS", 20)
APTIC_FANOUT_WORKERS = env_int("APTIC_FANOUT_WORKERS", 8)

# --- The sandbox ------------------------------------------------------------------------------
SANDBOX_CLIENT_ID = env_str("SANDBOX_CLIENT_ID", "sandbox-client")
SANDBOX_CLIENT_SECRET = env_str("SANDBOX_CLIENT_SECRET", "sandbox-secret")
SANDBOX_TOKEN_TTL = env_int("SANDBOX_TOKEN_TTL", 3600)

# --- Payment plans ----------------------------------------------------------------------------
# Fee defaults offered by the calculator, per currency.
PLAN_FEE_DEFAULTS = {
    "SEK": {"registration": Decimal("0.00"), "invoice": Decimal("29.00"),
            "reminder": Decimal("60.00")},
    "NOK": {"registration": Decimal("0.00"), "invoice": Decimal("35.00"),
            "reminder": Decimal("70.00")},
    "EUR": {"registration": Decimal("0.00"), "invoice": Decimal("2.50"),
            "reminder": Decimal("5.00")},
}
# Off by default: when on, an agent may activate a plan directly if it stays within both limits.
PLAN_AGENT_ACTIVATION = {
    "enabled": env_bool("PLAN_AGENT_ACTIVATION", False),
    "max_total": Decimal(env_str("PLAN_AGENT_ACTIVATION_MAX_TOTAL", "5000")),
    "max_payments": env_int("PLAN_AGENT_ACTIVATION_MAX_PAYMENTS", 12),
}
# Income and expenditure statements beside the calculator (plans/afford.py): the expenditure
# categories (key, label; override the tuple to change them), the largest amount a field takes,
# the share of the disposable income suggested as the instalment (percent), and how long a
# statement is kept (the `statements_sweep` job deletes older ones).
PLAN_STATEMENT_CATEGORIES = (
    ("housing", _("Housing")),
    ("utilities", _("Utilities")),
    ("food_household", _("Food and household")),
    ("transport", _("Transport")),
    ("childcare", _("Childcare")),
    ("other_debts", _("Other debts")),
    ("other", _("Other")),
)
PLAN_STATEMENT_MAX_AMOUNT = Decimal(env_str("PLAN_STATEMENT_MAX_AMOUNT", "10000000"))
PLAN_AFFORDABILITY_SHARE = Decimal(env_str("PLAN_AFFORDABILITY_SHARE", "70"))
PLAN_STATEMENT_RETENTION_MONTHS = env_int("PLAN_STATEMENT_RETENTION_MONTHS", 24)
# Settlement offers (plans/settlement.py): the largest discount, in percent of the total owed,
# and the most payments an agent may activate without approval, and a supervisor may approve.
PLAN_SETTLEMENT = {
    "agent_max_discount": Decimal(env_str("PLAN_SETTLEMENT_AGENT_MAX_DISCOUNT", "10")),
    "agent_max_payments": env_int("PLAN_SETTLEMENT_AGENT_MAX_PAYMENTS", 3),
    "supervisor_max_discount": Decimal(env_str("PLAN_SETTLEMENT_SUPERVISOR_MAX_DISCOUNT", "30")),
    "supervisor_max_payments": env_int("PLAN_SETTLEMENT_SUPERVISOR_MAX_PAYMENTS", 12),
}
# The numbers of payments the calculator's options grid offers side by side (3 to 6).
PLAN_OPTION_MONTHS = env_list("PLAN_OPTION_MONTHS", ["6", "12", "18", "24", "36", "48"])
# The agency named as a party on printed payment plan agreements.
PLAN_AGREEMENT_AGENCY = {
    "name": env_str("AGENCY_NAME", "Collect Desk Agency AB"),
    "address": env_str("AGENCY_ADDRESS", ""),
    "org_number": env_str("AGENCY_ORG_NUMBER", ""),
    "phone": env_str("AGENCY_PHONE", ""),
}

# --- The agent's day -------------------------------------------------------------------------
# Days after the promised date before `promises_check` judges a promise (payments take time).
PROMISE_GRACE_DAYS = env_int("PROMISE_GRACE_DAYS", 3)
# How far ahead a promise may be dated.
PROMISE_MAX_DAYS_AHEAD = env_int("PROMISE_MAX_DAYS_AHEAD", 365)
# My day: rows per page, days a missed promise or a decided proposal stays on it, and how
# long the page waits for the balances before it sends what it has and fills in the rest.
WORK_PAGE_SIZE = env_int("WORK_PAGE_SIZE", 25)
WORK_NEWS_DAYS = env_int("WORK_NEWS_DAYS", 7)
WORK_BALANCE_WAIT_SECONDS = env_float("WORK_BALANCE_WAIT_SECONDS", 0.3)

# --- Custom actions (service definitions) -----------------------------------------------------
# Which service definitions the deployment offers, their labels and who may run them.
CUSTOM_ACTIONS = [
    {"definition": "sendReminderSms", "label": _("Send reminder SMS"),
     "roles": ["agent", "supervisor", "admin"]},
    {"definition": "requestAddressLookup", "label": _("Request address lookup"),
     "roles": ["agent", "supervisor", "admin"]},
    {"definition": "echo", "label": _("Echo (diagnostics)"), "roles": ["admin"]},
]

# --- Logs and metrics ------------------------------------------------------------------------
# One line per request and per upstream call: JSON objects in production, plain text locally.
LOG_FORMAT = env_str("LOG_FORMAT", "text" if DEBUG else "json").lower()
LOGGING = logging_config(log_format=LOG_FORMAT, level=env_str("LOG_LEVEL", "INFO"))
# /metrics answers these addresses or networks, or a request with `Bearer $METRICS_TOKEN`.
METRICS_ALLOWED_IPS = env_list("METRICS_ALLOWED_IPS", ["127.0.0.1", "::1"])
METRICS_TOKEN = env_str("METRICS_TOKEN")
# `Server-Timing: app-cpu;dur=<ms>` on every answer: the request's CPU in the app (its thread
# and its fan-out parts; backoffice/observability/cpu.py). For benchmarks (bench/stack.py).
SERVER_TIMING = env_bool("SERVER_TIMING", False)
