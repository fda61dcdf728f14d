"""Settings for the Haidian grid-governance platform, read from the environment (12-factor).

Nothing here needs a server: without DATABASE_URL the platform uses a SQLite file, without
CELERY_BROKER_URL / REDIS_URL a filesystem message broker, so the demo runs on a bare machine.
Production sets DEBUG=0, SECRET_KEY, ALLOWED_HOSTS, DATABASE_URL and REDIS_URL and passes
``manage.py check --deploy``.
"""
import datetime as dt
import functools
import ipaddress
import os
from pathlib import Path
from urllib.parse import urlsplit

import dj_database_url
import redis.asyncio
from csp.constants import NONE, SELF, UNSAFE_INLINE
from django.core.exceptions import ImproperlyConfigured
from django.utils.translation import gettext_lazy as _
from kombu import Queue

BASE_DIR = Path(__file__).resolve().parent.parent


def env_bool(name: str, default: bool) -> bool:
    value = os.environ.get(name)
    if value is None or value == "":
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


def env_list(name: str, default: str) -> list[str]:
    return [item.strip() for item in os.environ.get(name, default).split(",") if item.strip()]


def storage_origin(endpoint_url: str, bucket: str) -> str:
    """Where a browser fetches presigned object URLs from (for the Content-Security-Policy)."""
    if endpoint_url:
        parts = urlsplit(endpoint_url)
        return f"{parts.scheme}://{parts.netloc}"
    return "https://*.amazonaws.com"


DEBUG = env_bool("DEBUG", False)

SECRET_KEY = os.environ.get("SECRET_KEY", "")
if not SECRET_KEY:
    if not DEBUG:
        raise ImproperlyConfigured("SECRET_KEY must be set when DEBUG is off.")
    SECRET_KEY = "dev-only-not-secret-haidian-grid-platform-0123456789abcdefghijklmnop"

ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", "localhost,127.0.0.1,[::1]")
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS", "")

# HTTPS is on by default in production; a local docker-compose run may switch it off.
HTTPS = env_bool("HTTPS", not DEBUG)
SECURE_SSL_REDIRECT = HTTPS
SESSION_COOKIE_SECURE = HTTPS
CSRF_COOKIE_SECURE = HTTPS
SECURE_HSTS_SECONDS = 31_536_000 if HTTPS else 0
SECURE_HSTS_INCLUDE_SUBDOMAINS = HTTPS
SECURE_HSTS_PRELOAD = HTTPS
if env_bool("BEHIND_PROXY", False):
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
X_FRAME_OPTIONS = "DENY"
SECURE_REFERRER_POLICY = "same-origin"
SESSION_COOKIE_HTTPONLY = True
SESSION_ENGINE = "core.sessions"  # Django's database sessions, their read prepared once per process

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "django.forms",  # the form widgets' own templates, for FORM_RENDERER below
    "rest_framework",
    "knox",
    "drf_spectacular",
    "drf_spectacular_sidecar",
    "django_filters",
    "guardian",
    "django_celery_beat",
    "django_htmx",
    "django_ratelimit",
    "axes",
    "simple_history",
    "csp",
    "health_check",
    "django_prometheus",
    "django_otp",
    "django_otp.plugins.otp_totp",
    "django_otp.plugins.otp_static",
    "core",
    "grids",
    "patrols",
    "registers",
    "cases",
    "community",
    "orgs",
    "evaluation",
]

MIDDLEWARE = [
    "django_prometheus.middleware.PrometheusBeforeMiddleware",  # first and (nearly) last: times it all
    "django.middleware.security.SecurityMiddleware",
    "core.middleware.AccessGenerationMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "core.middleware.ApiLanguageMiddleware",
    "core.middleware.RefuseNullCharactersMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django_otp.middleware.OTPMiddleware",
    "core.middleware.SecondFactorMiddleware",  # until the second factor is shown, only its pages open
    "django.contrib.messages.middleware.MessageMiddleware",
    "core.middleware.ReadReplicaMiddleware",  # after the login and its second factor: those read the primary
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    "simple_history.middleware.HistoryRequestMiddleware",  # the admin who changed a route
    "csp.middleware.CSPMiddleware",
    "django_prometheus.middleware.PrometheusAfterMiddleware",
    # Last, as django-axes asks: it turns a locked-out login into its lockout response.
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "haidian.urls"
WSGI_APPLICATION = "haidian.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "core.context_processors.unread_notifications",
            ],
        },
    },
]

# Form widgets are rendered by the project's template engine, so that templates/django/forms/ may replace one of
# Django's (the select, whose per-option include took half of a long list's rendering).
FORM_RENDERER = "django.forms.renderers.TemplatesSetting"

# Behind PgBouncer in transaction mode (DATABASE_POOLED=1) a connection is a different server session from one
# transaction to the next: no server-side cursors (they outlive the transaction that opened them), no prepared
# statements, no startup options (PgBouncer refuses them: give the role jit = off on the server instead).
DATABASE_POOLED = env_bool("DATABASE_POOLED", False)


def database(url: str) -> dict:
    config = dj_database_url.parse(url, conn_max_age=int(os.environ.get("CONN_MAX_AGE", "60")),
                                   conn_health_checks=True)
    if config["ENGINE"] == "django.db.backends.postgresql":
        if DATABASE_POOLED:
            config["DISABLE_SERVER_SIDE_CURSORS"] = True
            config.setdefault("OPTIONS", {})["prepare_threshold"] = None
        else:
            # JIT compilation costs more than it saves on this platform's short queries.
            config.setdefault("OPTIONS", {})["options"] = "-c jit=off"
            # A statement run five times on a connection is prepared there (parsed once): only those of
            # core.db.bound_cursor (a case's insert), as Django's own cursors write the values into the SQL.
            config["OPTIONS"]["prepare_threshold"] = 5
    return config


DATABASES = {"default": database(os.environ.get("DATABASE_URL", f"sqlite:///{BASE_DIR / 'db.sqlite3'}"))}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # Several processes (web, worker, beat) share the file in the demo: wait for locks.
    DATABASES["default"]["OPTIONS"] = {"timeout": 20, "transaction_mode": "IMMEDIATE"}
    DATABASES["default"]["CONN_MAX_AGE"] = 0
# A streaming hot standby of the same cluster (core/db.py): safe requests read from it, unless the one asking wrote
# in the last REPLICA_STICKY_SECONDS; writes, transactions, the sweep and every task stay on the primary. Tests see
# it under the test database's name (the standby replicates its creation).
DATABASE_READ_REPLICA = None
if os.environ.get("DATABASE_REPLICA_URL"):
    DATABASE_READ_REPLICA = "replica"
    DATABASES[DATABASE_READ_REPLICA] = {**database(os.environ["DATABASE_REPLICA_URL"]), "TEST": {"MIRROR": "default"}}
DATABASE_ROUTERS = ["core.db.ReplicaRouter"]
REPLICA_STICKY_SECONDS = float(os.environ.get("REPLICA_STICKY_SECONDS", "5"))
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

REDIS_URL = os.environ.get("REDIS_URL", "")
if REDIS_URL:
    # While Redis does not answer, each process serves the cache from its own memory (core/cache.py): pages and the
    # API keep answering and the limits hold per process. Short timeouts, so a hung Redis costs a request little.
    CACHES = {"default": {"BACKEND": "core.cache.FallbackRedisCache", "LOCATION": REDIS_URL,
                          "OPTIONS": {"socket_connect_timeout": 0.5, "socket_timeout": 0.5}}}
else:
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}

AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",  # refuses locked-out credentials before checking them
    "core.backends.CachedModelBackend",
    "guardian.backends.ObjectPermissionBackend",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
# Guardian's anonymous user is not used: public endpoints declare themselves explicitly.
ANONYMOUS_USER_NAME = None
GUARDIAN_RAISE_403 = False

LANGUAGE_CODE = "zh-hans"
LANGUAGES = [("zh-hans", "简体中文"), ("en", "English")]
LOCALE_PATHS = [BASE_DIR / "locale"]
TIME_ZONE = "Asia/Shanghai"
USE_I18N = True
USE_TZ = True

STATIC_URL = "/static/"
STATIC_ROOT = BASE_DIR / "staticfiles"
STATICFILES_DIRS = [BASE_DIR / "static"]
MEDIA_URL = "/media/"
MEDIA_ROOT = Path(os.environ.get("MEDIA_ROOT", BASE_DIR / "media"))
# Photos and exports: on the filesystem (MEDIA_ROOT) unless a bucket is named, then in S3-compatible object storage
# (django-storages), private, handed out as presigned URLs that expire after STORAGE_URL_SECONDS.
S3_BUCKET = os.environ.get("S3_BUCKET", "")
S3_ENDPOINT_URL = os.environ.get("S3_ENDPOINT_URL", "")  # MinIO, Ceph, a cloud's endpoint; empty: AWS
STORAGE_URL_SECONDS = int(os.environ.get("STORAGE_URL_SECONDS", "300"))
S3_STORAGE = {
    "BACKEND": "storages.backends.s3.S3Storage",
    "OPTIONS": {
        "bucket_name": S3_BUCKET,
        "endpoint_url": S3_ENDPOINT_URL or None,
        "region_name": os.environ.get("S3_REGION", "") or None,
        "access_key": os.environ.get("AWS_ACCESS_KEY_ID", "") or None,  # else boto3's own chain (roles, files)
        "secret_key": os.environ.get("AWS_SECRET_ACCESS_KEY", "") or None,
        "addressing_style": os.environ.get("S3_ADDRESSING_STYLE", "path"),
        "signature_version": "s3v4",  # presigned URLs in Signature Version 4 (what every store accepts)
        "default_acl": None,  # the bucket's own policy: private
        "file_overwrite": False,
        "querystring_auth": True,
        "querystring_expire": STORAGE_URL_SECONDS,
    },
} if S3_BUCKET else None
STORAGES = {
    "default": S3_STORAGE or {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"
        if DEBUG
        else "whitenoise.storage.CompressedManifestStaticFilesStorage"
    },
}

# How many reverse proxies of our own stand in front of the app: X-Forwarded-For is believed that far and no
# further (core.clients.client_address), by every limit: DRF's throttles, django-ratelimit, django-axes.
TRUSTED_PROXIES = int(os.environ.get("TRUSTED_PROXIES", "0"))
REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": [
        "core.authentication.ApiTokenAuthentication",
        "rest_framework.authentication.SessionAuthentication",
    ],
    # Deny by default: every endpoint needs a login and the model permission of its role;
    # public endpoints opt out explicitly.
    "DEFAULT_PERMISSION_CLASSES": ["core.permissions.RoleModelPermissions"],
    "DEFAULT_FILTER_BACKENDS": ["django_filters.rest_framework.DjangoFilterBackend"],
    "DEFAULT_PAGINATION_CLASS": "core.pagination.PageNumberPagination",
    "PAGE_SIZE": 50,
    "DEFAULT_SCHEMA_CLASS": "drf_spectacular.openapi.AutoSchema",
    "EXCEPTION_HANDLER": "core.exceptions.api_exception_handler",
    "DEFAULT_THROTTLE_CLASSES": [
        "rest_framework.throttling.AnonRateThrottle",
        "rest_framework.throttling.UserRateThrottle",
    ],
    "DEFAULT_THROTTLE_RATES": {
        "anon": os.environ.get("THROTTLE_ANON", "120/min"),
        "user": os.environ.get("THROTTLE_USER", "6000/min"),
        "auth": os.environ.get("THROTTLE_AUTH", "10/min"),
        "auth_account": os.environ.get("THROTTLE_AUTH_ACCOUNT", "20/hour"),
        "public_submit": os.environ.get("THROTTLE_PUBLIC_SUBMIT", "10/hour"),
    },
    "NUM_PROXIES": TRUSTED_PROXIES,  # the same rule as core.clients.client_address
    "TEST_REQUEST_DEFAULT_FORMAT": "json",
}

# API tokens (django-rest-knox, hashed at rest, model core.ApiToken): they expire, their owners list and revoke
# them (/accounts/tokens/, /api/v1/auth/tokens/), and a password change or deactivation revokes them all.
KNOX_TOKEN_MODEL = "core.ApiToken"
# knox's own migrations would create its (swapped-out) token table all the same; without them nothing creates it.
MIGRATION_MODULES = {"knox": None}
REST_KNOX = {
    "TOKEN_TTL": dt.timedelta(days=float(os.environ.get("API_TOKEN_TTL_DAYS", "30"))),
    "TOKEN_LIMIT_PER_USER": int(os.environ.get("API_TOKENS_PER_USER", "20")),
    "AUTO_REFRESH": False,
}

SPECTACULAR_SETTINGS = {
    "TITLE": "海淀区网格化社会服务管理平台 API",
    "DESCRIPTION": "Haidian district grid-governance platform: grids, staff, cases, Open311.",
    "VERSION": "1.0.0",
    "SERVE_INCLUDE_SCHEMA": False,
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
    "COMPONENT_SPLIT_REQUEST": True,
    "POSTPROCESSING_HOOKS": ["drf_spectacular.hooks.postprocess_schema_enums", "core.schema.close_components"],
    # Tags and operation ids come from the path after its API's prefix (cases_list, open311_…), as if each were alone.
    "SCHEMA_PATH_PREFIX": r"/(api/v1|open311/v2)",
    # A list answered with an error status is a list in the schema too (Open311's errors are).
    "ENABLE_LIST_MECHANICS_ON_NON_2XX": True,
    # The schema's validity is a test (manage.py spectacular --validate), not a deploy check.
    "ENABLE_DJANGO_DEPLOY_CHECK": False,
    # One component per choice set, named after its model (several models have a "status", "kind", "field" or
    # "mode"): without a name here drf-spectacular makes one up from a hash, and it changes with the choices.
    "ENUM_NAME_OVERRIDES": {
        "TierEnum": "cases.workflow.Tier",
        "StatusEnum": "cases.workflow.Status",
        "CaseSourceEnum": "cases.workflow.Source",
        "GridKindEnum": "grids.models.Grid.Kind",
        "WhistleKindEnum": "cases.workflow.Whistle",
        "GridLevelEnum": "grids.models.Grid.Level",
        "VisitCategoryEnum": "community.models.VisitCategory.Code",
        "VisitModeEnum": "community.models.Visit.Mode",
        "CareTargetKindEnum": "community.models.CareTarget.Kind",
        "CareContactModeEnum": "community.models.CareContact.Mode",
        "VolunteerTeamFieldEnum": "community.models.VolunteerTeam.Field",
        "PracticalMatterStatusEnum": "community.models.PracticalMatter.Status",
        "OrganisationKindEnum": "orgs.models.SocialOrganisation.Kind",
        "OrganisationFieldEnum": "orgs.models.SocialOrganisation.Field",
        "OrganisationStatusEnum": "orgs.models.SocialOrganisation.Status",
        "IncubationServiceKindEnum": "orgs.models.IncubationService.Kind",
        "CatalogueFieldEnum": "orgs.models.CatalogueItem.Field",
        "PurchaseProjectStatusEnum": "orgs.models.PurchaseProject.Status",
        "ComplaintStatusEnum": "orgs.models.Complaint.Status",
        "EvaluationPartyEnum": "evaluation.parties.Party",
        "EvaluationSubjectKindEnum": "evaluation.models.SubjectKind",
        "Open311StatusEnum": "cases.open311.serializers.STATUSES",
        "PatrolPointKindEnum": "patrols.models.PatrolPoint.Kind",
        "PatrolStatusEnum": "patrols.models.Patrol.Status",
        "PlaceKindEnum": "registers.models.Place.Kind",
        "ResidentKindEnum": "registers.models.Resident.Kind",
        "ResidentStatusEnum": "registers.models.Resident.Status",
        "FundApplicationStatusEnum": "orgs.models.FundApplication.Status",
        "AwardTitleEnum": "orgs.models.Award.Title",
        "RepresentativeRoleEnum": "evaluation.models.Representative.Role",
    },
}

# The host part only keeps kombu from warning "No hostname was supplied" on every connection.
CELERY_BROKER_URL = os.environ.get("CELERY_BROKER_URL") or REDIS_URL or "filesystem://localhost//"
if CELERY_BROKER_URL.startswith("filesystem://"):
    _queue_dir = BASE_DIR / "var" / "celery"
    (_queue_dir / "processed").mkdir(parents=True, exist_ok=True)
    CELERY_BROKER_TRANSPORT_OPTIONS = {
        "data_folder_in": str(_queue_dir),
        "data_folder_out": str(_queue_dir),
        "processed_folder": str(_queue_dir / "processed"),
        "control_folder": str(_queue_dir / "control"),
        "store_processed": False,
    }
CELERY_TASK_IGNORE_RESULT = True
# A task is acknowledged once it has run, so a worker that dies mid-task leaves it to another (every task here is
# safe to run twice); those that also declare reject_on_worker_lost are requeued when the worker process is killed.
CELERY_TASK_ACKS_LATE = True
# One queue per kind of work, each with workers of its own (docker-compose.yml), so that a long report never holds
# up the deadline sweep or the mail: "celery" (the default: beat's heartbeat and anything unnamed), "sweep" (deadlines
# and the daily overdue flags), "notifications" (mail and reminders), "exports" (reports, results and exports).
CELERY_TASK_ROUTES = {
    "cases.sweep_deadlines": {"queue": "sweep"},
    "community.tasks.flag_overdue_visits": {"queue": "sweep"},
    "orgs.tasks.flag_overdue_applications": {"queue": "sweep"},
    "evaluation.open_rounds": {"queue": "sweep"},
    "core.deliver_outbox": {"queue": "notifications"},
    "evaluation.send_reminders": {"queue": "notifications"},
    "cases.refresh_dashboard": {"queue": "sweep"},  # every minute, never behind a long export
    "cases.reap_exports": {"queue": "sweep"},  # finds the exports whose worker died: not on that worker's queue
    "evaluation.compute_ended_periods": {"queue": "exports"},
    "*.export_*": {"queue": "exports"},
}
# Declared, so that a worker started without -Q (the demo's) consumes them all.
CELERY_TASK_QUEUES = [Queue(name) for name in ("celery", "sweep", "notifications", "exports")]
CELERY_TASK_DEFAULT_QUEUE = "celery"
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_TIMEZONE = TIME_ZONE
# The database schedule, sent by whichever beat holds the leader lock (core/beat.py): run two for availability.
CELERY_BEAT_SCHEDULER = "core.beat:LeaderDatabaseScheduler"
BEAT_LEADER_LOCK_SECONDS = float(os.environ.get("BEAT_LEADER_LOCK_SECONDS", "30"))
# Its key in Redis: two deployments sharing one Redis (a staging beside production) name theirs apart.
BEAT_LEADER_LOCK_NAME = os.environ.get("BEAT_LEADER_LOCK_NAME", "haidian:beat-leader")
# Workers and beat log through LOGGING below (JSON in production) instead of replacing the root logger's handler.
CELERY_WORKER_HIJACK_ROOT_LOGGER = False
# A traceback printed to stderr stays one block, not a JSON record per write() of the redirected stream.
CELERY_WORKER_REDIRECT_STDOUTS = False

EMAIL_BACKEND = os.environ.get(
    "EMAIL_BACKEND",
    "django.core.mail.backends.console.EmailBackend" if DEBUG else "django.core.mail.backends.smtp.EmailBackend",
)
EMAIL_HOST = os.environ.get("EMAIL_HOST", "localhost")
EMAIL_PORT = int(os.environ.get("EMAIL_PORT", "25"))
DEFAULT_FROM_EMAIL = os.environ.get("DEFAULT_FROM_EMAIL", "网格化平台 <noreply@grid.haidian.gov.cn>")
# Notifications are kept by month (core 0008); with this set, beat forgets those older than this many whole months
# besides the current one, a month at a time. 0 keeps them all.
NOTIFICATION_KEEP_MONTHS = int(os.environ.get("NOTIFICATION_KEEP_MONTHS", "0"))
if NOTIFICATION_KEEP_MONTHS < 0:
    raise ImproperlyConfigured("NOTIFICATION_KEEP_MONTHS must be 0 (keep all) or a number of months.")

# One JSON object a line for the log collector; plain text in DEBUG, so the demo's console stays readable.
LOG_FORMAT = os.environ.get("LOG_FORMAT") or ("text" if DEBUG else "json")
if LOG_FORMAT not in {"json", "text"}:
    raise ImproperlyConfigured("LOG_FORMAT must be json or text.")
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {
        "json": {"()": "pythonjsonlogger.json.JsonFormatter", "fmt": "%(asctime)s %(levelname)s %(name)s %(message)s",
                 "rename_fields": {"asctime": "time", "levelname": "level", "name": "logger"},
                 "json_ensure_ascii": False},
        "text": {"format": "%(asctime)s %(levelname)s %(name)s: %(message)s"},
    },
    "handlers": {"console": {"class": "logging.StreamHandler", "formatter": LOG_FORMAT}},
    "root": {"handlers": ["console"], "level": os.environ.get("LOG_LEVEL", "INFO" if DEBUG else "WARNING")},
}

# Operations. /livez: liveness, public. /healthz (core.health) and /metrics (core.metrics) answer only the
# monitoring system: from these addresses or networks (as core.clients.client_address sees them), or with
# "Authorization: Bearer <OPS_TOKEN>".
OPS_ALLOWED_IPS = [str(ipaddress.ip_network(n, strict=False)) for n in env_list("OPS_ALLOWED_IPS", "127.0.0.1,::1")]
OPS_TOKEN = os.environ.get("OPS_TOKEN", "")
# Probes and scrapers call the app directly over the internal network, not through the TLS proxy.
SECURE_REDIRECT_EXEMPT = [r"^(livez|healthz|metrics)$"]
HEALTH_CHECKS = [
    "health_check.checks.Database",
    "health_check.checks.Cache",
    "health_check.checks.Storage",
    # The first worker to answer ends the ping; with none, it fails after the timeout instead of holding the request.
    ("core.health.CeleryPing", {"timeout": dt.timedelta(seconds=float(os.environ.get("HEALTH_CELERY_TIMEOUT", "3"))),
                                "limit": 1}),
    ("core.health.BeatHeartbeat",
     {"max_age": dt.timedelta(minutes=float(os.environ.get("BEAT_HEARTBEAT_MAX_MINUTES", "5")))}),
]
HEALTH_REDIS_TIMEOUT = float(os.environ.get("HEALTH_REDIS_TIMEOUT", "1"))
if REDIS_URL:
    # Redis on its own: the cache check above passes from each process's stand-in while Redis is down (core/cache.py).
    HEALTH_CHECKS.append(("health_check.contrib.redis.Redis", {"client_factory": functools.partial(
        redis.asyncio.Redis.from_url, REDIS_URL, socket_connect_timeout=HEALTH_REDIS_TIMEOUT,
        socket_timeout=HEALTH_REDIS_TIMEOUT)}))

# Errors and (if sampled) traces go to Sentry when a DSN is given; no personal data (users, addresses, bodies).
SENTRY_DSN = os.environ.get("SENTRY_DSN", "")
if SENTRY_DSN:
    import sentry_sdk
    from sentry_sdk.integrations.celery import CeleryIntegration
    from sentry_sdk.integrations.django import DjangoIntegration

    sentry_sdk.init(
        dsn=SENTRY_DSN,
        environment=os.environ.get("SENTRY_ENVIRONMENT", "production"),
        traces_sample_rate=float(os.environ.get("SENTRY_TRACES_SAMPLE_RATE", "0")),
        send_default_pii=False,
        integrations=[DjangoIntegration(), CeleryIntegration()],
    )

# Lock a username (from that address) out for 15 minutes after 5 failed logins, pages and API alike.
RATELIMIT_IP_META_KEY = "core.clients.client_address"
AXES_CLIENT_IP_CALLABLE = "core.clients.client_address"
AXES_FAILURE_LIMIT = int(os.environ.get("AXES_FAILURE_LIMIT", "5"))
AXES_COOLOFF_TIME = float(os.environ.get("AXES_COOLOFF_HOURS", "0.25"))
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]  # not IP alone: a whole office shares one NAT address
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_TEMPLATE = "registration/locked_out.html"
AXES_VERBOSE = False

CSRF_FAILURE_VIEW = "core.views.csrf_failure"  # a stale form: explained inside the site's shell

LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "home"
LOGOUT_REDIRECT_URL = "login"

# Two-step sign-in (core/two_factor.py): required of the district-wide roles and admin when OTP_REQUIRED; a user
# who has set it up is asked for a code either way. A wrong code rests the device 1, 2, 4, 8… seconds.
OTP_REQUIRED = env_bool("OTP_REQUIRED", False)
OTP_TOTP_ISSUER = os.environ.get("OTP_TOTP_ISSUER", "海淀网格化平台")
OTP_TOTP_THROTTLE_FACTOR = 1
OTP_STATIC_THROTTLE_FACTOR = 1

# The district's administrative code: root of the grid tree and prefix of every grid code.
DISTRICT_CODE = "110108"
# Where a user serves (their grids, departments, stations): read by core.scoping.scope_of.
SCOPE_LOADER = "grids.selectors.load_scope"
PLATFORM_NAME = _("Haidian Grid Governance Platform")
PLATFORM_SHORT_NAME = _("Grid platform")  # the prefix of mail subjects
# Beijing's standard for community office and service space (社区办公服务用房), in m².
COMMUNITY_SPACE_STANDARD_M2 = int(os.environ.get("COMMUNITY_SPACE_STANDARD_M2", "350"))

# Cases: office hours for working-time deadlines, escalation grace, evaluation window, photos.
CASE_WORKING_PERIODS = os.environ.get("CASE_WORKING_PERIODS", "09:00-12:00,13:00-18:00")
CASE_ESCALATION_GRACE_HOURS = float(os.environ.get("CASE_ESCALATION_GRACE_HOURS", "2"))
CASE_EVALUATION_WINDOW_HOURS = float(os.environ.get("CASE_EVALUATION_WINDOW_HOURS", "72"))
# A closed case nobody rates within the window counts as this (and is flagged as defaulted).
CASE_DEFAULT_SATISFACTION = int(os.environ.get("CASE_DEFAULT_SATISFACTION", "5"))
# A dispatched case is to be accepted (响应) within this many working hours, urgent ones within clock hours.
CASE_RESPONSE_HOURS = float(os.environ.get("CASE_RESPONSE_HOURS", "2"))
CASE_URGENT_RESPONSE_HOURS = float(os.environ.get("CASE_URGENT_RESPONSE_HOURS", "0.5"))
# A closed case whose callback finds the problem unsolved may be reopened this many calendar days after closure.
CASE_REOPEN_WINDOW_DAYS = int(os.environ.get("CASE_REOPEN_WINDOW_DAYS", "15"))
CASE_ATTACHMENT_MAX_BYTES = int(os.environ.get("CASE_ATTACHMENT_MAX_BYTES", str(10 * 1024 * 1024)))
# A photo's pixels are capped too: a small file can decode to gigabytes (a "decompression bomb").
CASE_ATTACHMENT_MAX_PIXELS = int(os.environ.get("CASE_ATTACHMENT_MAX_PIXELS", str(50_000_000)))
# Any request body with files, counted as it streams in (core.uploads): a photo and its form, an XLSX import.
UPLOAD_MAX_BYTES = int(os.environ.get("UPLOAD_MAX_BYTES", str(CASE_ATTACHMENT_MAX_BYTES + 1024 * 1024)))
FILE_UPLOAD_HANDLERS = [
    "core.uploads.BoundedUploadHandler",
    "django.core.files.uploadhandler.MemoryFileUploadHandler",
    "django.core.files.uploadhandler.TemporaryFileUploadHandler",
]
# Background exports of the case list (cases/exports.py): rows read per query, and how many a person may ask for
# (one at a time, this many an hour), and the most rows one file holds.
CASE_EXPORT_CHUNK = int(os.environ.get("CASE_EXPORT_CHUNK", "2000"))
CASE_EXPORTS_PER_HOUR = int(os.environ.get("CASE_EXPORTS_PER_HOUR", "6"))
CASE_EXPORT_MAX_ROWS = int(os.environ.get("CASE_EXPORT_MAX_ROWS", "1000000"))
CASE_EXPORT_KEEP_DAYS = float(os.environ.get("CASE_EXPORT_KEEP_DAYS", "7"))  # then a nightly job deletes the file
CASE_SWEEP_BATCH = int(os.environ.get("CASE_SWEEP_BATCH", "500"))
# Duplicate suggestions at intake: open cases of the same category this near the point and this recent.
CASE_DUPLICATE_RADIUS_M = float(os.environ.get("CASE_DUPLICATE_RADIUS_M", "100"))
CASE_DUPLICATE_DAYS = float(os.environ.get("CASE_DUPLICATE_DAYS", "7"))

# Grid patrols (patrols/): a point nobody checked in at for this many days is stale on the coverage lists; a
# check-in farther than this from its point (or outside the grid) is recorded and flagged, never refused.
PATROL_POINT_STALE_DAYS = int(os.environ.get("PATROL_POINT_STALE_DAYS", "7"))
PATROL_CHECKIN_RADIUS_M = float(os.environ.get("PATROL_CHECKIN_RADIUS_M", "200"))
# Joint handling (吹哨报到): how soon summoned units must report in, by the whistle's kind; at most this many units.
JOINT_REPORT_IN = {
    "routine": {"working_hours": 8},  # 日常哨: within a working day
    "hard": {"working_hours": 2},  # 攻坚哨
    "emergency": {"minutes": 30},  # 应急哨: clock time, day or night
}
JOINT_MAX_UNITS = 8
OPEN311_RATE = os.environ.get("OPEN311_RATE", "120/m")
PUBLIC_REPORT_RATE = os.environ.get("PUBLIC_REPORT_RATE", "10/h")  # residents' reports per address
PASSWORD_RESET_RATE = os.environ.get("PASSWORD_RESET_RATE", "5/h")  # reset mails asked for, per address
PASSWORD_RESET_ACCOUNT_RATE = os.environ.get("PASSWORD_RESET_ACCOUNT_RATE", "3/h")  # … and per account
# django-ratelimit shares counters through the cache: Redis in production, per-process locally.
# (W001 only says core.cache.FallbackRedisCache, Django's RedisCache underneath, is not on its list of tested
# backends; it works. E003 rightly does not fire for it: the cache is shared, per process only while Redis is down.)
SILENCED_SYSTEM_CHECKS = ["django_ratelimit.W001"] + ([] if REDIS_URL else ["django_ratelimit.E003"])

# Content-Security-Policy (django-csp): scripts only from our own static files, never inline (no handler attributes,
# no <script> blocks; data for scripts rides in data- attributes). Styles may be inline: the templates' style
# attributes and the style Leaflet and ECharts set on their elements.
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": [SELF],
        "script-src": [SELF],
        "style-src": [SELF, UNSAFE_INLINE],
        # Photos on object storage load from their presigned URLs: the store's origin.
        "img-src": [SELF, "data:", "blob:", *([storage_origin(S3_ENDPOINT_URL, S3_BUCKET)] if S3_BUCKET else [])],
        "font-src": [SELF, "data:"],
        "connect-src": [SELF],
        "object-src": [NONE],
        "base-uri": [SELF],
        "form-action": [SELF],
        "frame-ancestors": [NONE],
    },
}
