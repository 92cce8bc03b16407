"""Settings shared by every environment; values come from the environment (django-environ)."""

from datetime import timedelta
from pathlib import Path
from urllib.parse import urlsplit

import environ
from celery.schedules import crontab
from csp.constants import NONCE, NONE, SELF

BASE_DIR = Path(__file__).resolve().parent.parent.parent

env = environ.Env()
environ.Env.read_env(BASE_DIR / ".env", overwrite=False)

# The embedded default is for a developer's machine; prod.py refuses it.
SECRET_KEY = env("DJANGO_SECRET_KEY", default="insecure-dev-only-key-change-me-0123456789abcdef")
DEBUG = env.bool("DJANGO_DEBUG", default=False)
ALLOWED_HOSTS = env.list("DJANGO_ALLOWED_HOSTS", default=["127.0.0.1", "localhost", "[::1]"])

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "corsheaders",
    "csp",
    "rest_framework",
    "rest_framework_simplejwt.token_blacklist",
    "django_filters",
    "drf_spectacular",
    "drf_spectacular_sidecar",
    "axes",
    "django_celery_results",
    "accounts",
    "tmdb",
    "catalog",
    "favorites",
    "watchlist",
    "ratings",
    "history",
    "recommendations",
    "imports",
]

MIDDLEWARE = [
    # First: the request's id for every line logged, the access line and the request's metrics.
    "core.access.AccessMiddleware",
    "django.middleware.security.SecurityMiddleware",
    # Before whitenoise: the static files it answers get the strict policy too. django-csp's,
    # with the settings' policy built once (config/csp.py).
    "config.csp.CSPMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "corsheaders.middleware.CorsMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    # Last: turns a login refused for a locked-out account or address into its 429.
    "axes.middleware.AxesMiddleware",
]

# The admin's messages in the session it has anyway: Django's default (FallbackStorage) also
# builds a cookie signer on every request, API requests included.
MESSAGE_STORAGE = "django.contrib.messages.storage.session.SessionStorage"

ROOT_URLCONF = "config.urls"
WSGI_APPLICATION = "config.wsgi.application"
ASGI_APPLICATION = "config.asgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        # The docs pages' templates, with the nonces of their inline code (config/urls.py).
        "DIRS": [BASE_DIR / "config" / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
            ],
        },
    },
]

# Database: DATABASE_URL, or a SQLite file in the project folder.
DATABASES = {"default": env.db("DATABASE_URL", default=f"sqlite:///{BASE_DIR / 'db.sqlite3'}")}
DATABASES["default"]["ATOMIC_REQUESTS"] = False
if DATABASES["default"]["ENGINE"] != "django.db.backends.sqlite3":
    DATABASES["default"]["CONN_MAX_AGE"] = env.int("DJANGO_CONN_MAX_AGE", default=60)
    DATABASES["default"]["CONN_HEALTH_CHECKS"] = True
    # libpq's bound on a blocking connect (batch jobs, commands); the web processes bound every
    # wait, connecting included, with core.postgres.
    DATABASES["default"]["OPTIONS"] = {
        "connect_timeout": env.int("DATABASE_CONNECT_TIMEOUT", default=3),
        **DATABASES["default"].get("OPTIONS", {}),
    }
else:
    # Concurrent writers (several workers) wait for each other: a transaction takes the write
    # lock when it begins, rather than failing at once ("database is locked") when a read in it
    # turns into a write while another process writes.
    DATABASES["default"]["OPTIONS"] = {
        "transaction_mode": "IMMEDIATE",
        "timeout": 20,
        **DATABASES["default"].get("OPTIONS", {}),
    }
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"
# The web processes' bound on each wait for PostgreSQL, and how long they then fail fast
# (core.postgres): a hung database costs a request DATABASE_TIMEOUT seconds at most.
DATABASE_TIMEOUT = env.float("DATABASE_TIMEOUT", default=3.0)
DATABASE_BREAKER_RESET_SECONDS = env.float("DATABASE_BREAKER_RESET_SECONDS", default=5.0)

# Cache: REDIS_URL selects django-redis; without it, Django's local-memory cache.
REDIS_URL = env("REDIS_URL", default="")
if REDIS_URL:
    CACHES = {
        "default": {
            "BACKEND": "django_redis.cache.RedisCache",
            "LOCATION": REDIS_URL,
            "OPTIONS": {
                "CLIENT_CLASS": "django_redis.client.DefaultClient",
                # Short: a hung Redis costs one timeout, then core.redis's breaker fails fast.
                "SOCKET_CONNECT_TIMEOUT": env.float("REDIS_CONNECT_TIMEOUT", default=0.25),
                "SOCKET_TIMEOUT": env.float("REDIS_TIMEOUT", default=0.25),
                "REDIS_CLIENT_CLASS": "core.redis.BreakerRedis",
                # A Redis outage degrades to cache misses instead of 500s.
                "IGNORE_EXCEPTIONS": True,
            },
            "KEY_PREFIX": env("CACHE_KEY_PREFIX", default="movies"),
        }
    }
    # Throttle counts: the same Redis, but errors are raised so the throttle can fall back.
    CACHES["throttle"] = {
        **CACHES["default"],
        "OPTIONS": {**CACHES["default"]["OPTIONS"], "IGNORE_EXCEPTIONS": False},
    }
    DJANGO_REDIS_LOG_IGNORED_EXCEPTIONS = True
    # Seconds the breaker of a Redis that failed stays open before a probe (core.redis).
    REDIS_BREAKER_RESET_SECONDS = env.float("REDIS_BREAKER_RESET_SECONDS", default=5.0)
else:
    CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.locmem.LocMemCache",
            "LOCATION": "movie-recommendation",
            "OPTIONS": {"MAX_ENTRIES": 10_000},
        }
    }

AUTH_USER_MODEL = "accounts.User"
# django-axes first: it refuses logins of a locked-out account or address before the password
# is even checked.
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]
PASSWORD_HASHERS = [
    "django.contrib.auth.hashers.Argon2PasswordHasher",
    "django.contrib.auth.hashers.PBKDF2PasswordHasher",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

# E-mail (password resets, address verifications): SMTP from the environment; `make run` prints
# messages on the console (dev.py), tests keep them in Django's locmem outbox.
EMAIL_BACKEND = env("EMAIL_BACKEND", default="django.core.mail.backends.smtp.EmailBackend")
EMAIL_HOST = env("EMAIL_HOST", default="localhost")
EMAIL_PORT = env.int("EMAIL_PORT", default=25)
EMAIL_HOST_USER = env("EMAIL_HOST_USER", default="")
EMAIL_HOST_PASSWORD = env("EMAIL_HOST_PASSWORD", default="")
EMAIL_USE_TLS = env.bool("EMAIL_USE_TLS", default=False)
EMAIL_USE_SSL = env.bool("EMAIL_USE_SSL", default=False)
EMAIL_TIMEOUT = env.int("EMAIL_TIMEOUT", default=10)
DEFAULT_FROM_EMAIL = env("DEFAULT_FROM_EMAIL", default="Movie Recommendation <no-reply@localhost>")

LANGUAGE_CODE = "en-us"
TIME_ZONE = "UTC"
USE_I18N = True
USE_TZ = True

STATIC_URL = "static/"
STATIC_ROOT = BASE_DIR / "staticfiles"
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedStaticFilesStorage"},
}

DATA_UPLOAD_MAX_MEMORY_SIZE = env.int("DJANGO_MAX_BODY_BYTES", default=1024 * 1024)

# HTTP caching of the API's cached reads (core.api.http_cache): how long browsers and nginx's
# micro-cache may keep a public (catalog) answer, and serve it stale while they revalidate it.
HTTP_CACHE = {
    "MAX_AGE": env.int("HTTP_CACHE_MAX_AGE", default=2),
    "STALE_WHILE_REVALIDATE": env.int("HTTP_CACHE_STALE_WHILE_REVALIDATE", default=30),
}

# CORS: an explicit allow-list of front-end origins.
CORS_ALLOWED_ORIGINS = env.list("CORS_ALLOWED_ORIGINS", default=[])
CORS_ALLOW_CREDENTIALS = True
CORS_URLS_REGEX = r"^/api/.*$"
CORS_EXPOSE_HEADERS = ["Retry-After"]
CSRF_TRUSTED_ORIGINS = env.list("CSRF_TRUSTED_ORIGINS", default=CORS_ALLOWED_ORIGINS)
# Cookie mode on another site needs SameSite=None and Secure on the CSRF cookie too: browsers
# drop SameSite=None cookies that are not Secure, and every write would fail "CSRF cookie not
# set". (prod.py makes it Secure in any case.)
CSRF_COOKIE_SAMESITE = env("JWT_COOKIE_SAMESITE", default="Lax")
CSRF_COOKIE_SECURE = CSRF_COOKIE_SAMESITE == "None"
CSRF_FAILURE_VIEW = "core.api.exceptions.json_csrf_failure"

REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": ["accounts.authentication.JWTCookieAuthentication"],
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.IsAuthenticatedOrReadOnly"],
    "DEFAULT_RENDERER_CLASSES": ["rest_framework.renderers.JSONRenderer"],
    "DEFAULT_PARSER_CLASSES": ["core.api.parsers.SafeJSONParser"],
    "DEFAULT_FILTER_BACKENDS": ["django_filters.rest_framework.DjangoFilterBackend"],
    "DEFAULT_PAGINATION_CLASS": "core.api.pagination.StrictPageNumberPagination",
    "PAGE_SIZE": 20,
    "DEFAULT_SCHEMA_CLASS": "core.api.schema.AutoSchema",
    "EXCEPTION_HANDLER": "core.api.exceptions.api_exception_handler",
    "DEFAULT_THROTTLE_CLASSES": ["core.api.throttling.ScopedSettingsRateThrottle"],
    "DEFAULT_THROTTLE_RATES": {
        "token": env("THROTTLE_TOKEN_RATE", default="10/min"),
        "refresh": env("THROTTLE_REFRESH_RATE", default="30/min"),
        "register": env("THROTTLE_REGISTER_RATE", default="5/min"),
        # Password-reset requests and confirmations, e-mail verifications, per client address
        # (each address also gets ACCOUNTS['PASSWORD_RESET_EMAILS_PER_HOUR'] e-mails at most).
        "password_reset": env("THROTTLE_PASSWORD_RESET_RATE", default="5/min"),
        "favorites_write": env("THROTTLE_FAVORITES_WRITE_RATE", default="120/min"),
        "watchlist_write": env("THROTTLE_WATCHLIST_WRITE_RATE", default="120/min"),
        "ratings_write": env("THROTTLE_RATINGS_WRITE_RATE", default="120/min"),
        "history_write": env("THROTTLE_HISTORY_WRITE_RATE", default="120/min"),
        "recommendations_write": env("THROTTLE_RECOMMENDATIONS_WRITE_RATE", default="120/min"),
        # Uploads (and removals) of imports, per account: each runs a worker for a while.
        "imports": env("THROTTLE_IMPORTS_RATE", default="10/hour"),
        # Reads the cache does not answer (searches, deep pages, details, similar movies,
        # recommendations; core.api.throttling.UncachedReadThrottles): anonymous clients per
        # address, authenticated ones per account.
        "anon": env("THROTTLE_ANON_RATE", default="1200/min"),
        "user": env("THROTTLE_USER_RATE", default="1200/min"),
    },
    "NUM_PROXIES": env.int("DJANGO_NUM_PROXIES", default=0),
}

# Login lockouts (django-axes), at /api/token/ and the admin: failures counted per account and
# per client address, the address read as the throttles read it (the same trusted proxies).
AXES_FAILURE_LIMIT = env.int("LOGIN_FAILURE_LIMIT", default=5)
AXES_COOLOFF_TIME = timedelta(minutes=env.int("LOGIN_LOCKOUT_MINUTES", default=15))
AXES_LOCKOUT_PARAMETERS = [["username"], ["ip_address"]]
AXES_RESET_ON_SUCCESS = True  # the account's own failures only (accounts.lockout)
AXES_HANDLER = "accounts.lockout.AccountResetHandler"
AXES_USERNAME_CALLABLE = "accounts.lockout.username"
AXES_LOCKOUT_CALLABLE = "accounts.lockout.lockout_response"
AXES_CLIENT_IP_CALLABLE = "accounts.lockout.client_ip"
AXES_VERBOSE = False
SIMPLE_JWT = {
    "ACCESS_TOKEN_LIFETIME": timedelta(minutes=env.int("JWT_ACCESS_MINUTES", default=15)),
    "REFRESH_TOKEN_LIFETIME": timedelta(days=env.int("JWT_REFRESH_DAYS", default=7)),
    # accounts sends Django's user_logged_in, whose receiver sets last_login.
    "UPDATE_LAST_LOGIN": False,
    "ALGORITHM": "HS256",
    "SIGNING_KEY": env("JWT_SIGNING_KEY", default=SECRET_KEY),
    "AUTH_HEADER_TYPES": ("Bearer",),
    # Tokens carry a digest of the password hash: a password set behind save()'s back (a bulk
    # QuerySet.update) still revokes them, within ACCOUNTS["USER_CACHE_TIMEOUT"].
    "CHECK_REVOKE_TOKEN": True,
}

# Content-Security-Policy (django-csp). Every response gets STRICT_CSP, which allows nothing:
# JSON needs no source, and whatever a browser shows as a page anyway (an error, a static file)
# can load, run, frame and submit nothing. The HTML pages get whole policies of their own
# (config/urls.py), each source below found needed by loading the page in headless Chromium:
# tests/project/test_swagger_ui.py and test_csp_browser.py fail on any violation. Nothing comes
# from another origin (but "Try it out" calls to an absolute API_PUBLIC_URL), and no script
# runs inline but by the request's nonce.
STRICT_CSP = {
    "default-src": [NONE],
    "base-uri": [NONE],
    "form-action": [NONE],
    "frame-ancestors": [NONE],
}
CONTENT_SECURITY_POLICY = {"DIRECTIVES": STRICT_CSP}
API_PUBLIC_URL = env("API_PUBLIC_URL", default="/")
_api_server = urlsplit(API_PUBLIC_URL)
_api_origin = [f"{_api_server.scheme}://{_api_server.netloc}"] if _api_server.netloc else []
SWAGGER_UI_CSP = {
    **STRICT_CSP,
    # The sidecar's bundles, and the init script as a file (SpectacularSwaggerSplitView).
    "script-src": [SELF],
    # swagger-ui.css, and the page's inline <style> (config/templates/docs/swagger_ui.html).
    "style-src": [SELF, NONCE],
    # The favicon; the icons swagger-ui.css inlines as data: URLs.
    "img-src": [SELF, "data:"],
    # The schema, and what "Try it out" sends to the schema's server (API_PUBLIC_URL).
    "connect-src": [SELF, *_api_origin],
}
# ReDoc's stylesheet at its bundle's load, which ReDoc gives no nonce (perfect-scrollbar's CSS,
# inserted empty and then filled): its hashes, those of drf-spectacular-sidecar's ReDoc 2.5.4.
# After an upgrade, the ReDoc browser test names the new ones.
REDOC_STYLE_HASHES = [
    "'sha256-QMIg+bpjm3JdElJ388KYke01izlUW0UoNOeKjpMxdgc='",
    "'sha256-47DEQpj8HBSa+/TImW+5JCeuQeRkm5NMpJWZG3hSuFU='",  # the empty <style>
]
REDOC_CSP = {
    **STRICT_CSP,
    # The sidecar's bundle, and the inline init (config/templates/docs/redoc.html).
    "script-src": [SELF, NONCE],
    # The page's inline <style>, the <style> elements ReDoc's styled-components inserts (ReDoc
    # is given the nonce) and the one above; no stylesheet file (no web fonts either).
    "style-src": [NONCE, *REDOC_STYLE_HASHES],
    # The icons ReDoc inlines as data: URLs.
    "img-src": ["data:"],
    # The schema.
    "connect-src": [SELF],
    # The search index is built in a web worker made from a blob: URL.
    "worker-src": ["blob:"],
}
# Django's admin has no inline code: its scripts, stylesheets and icons are static files, and
# its forms (the login's too) post to the admin itself. (No fetch: no autocomplete_fields here;
# one would need connect-src 'self'.)
ADMIN_CSP = {
    **STRICT_CSP,
    "script-src": [SELF],
    "style-src": [SELF],
    "img-src": [SELF],
    "form-action": [SELF],
}

# The newest release in CHANGELOG.md (tests/project/test_changelog.py keeps them equal).
API_VERSION = "2.0.0"
SPECTACULAR_SETTINGS = {
    "TITLE": "Movie Recommendation API",
    "DESCRIPTION": (
        "Register, log in with JWT, browse a TMDB-synced movie catalog, keep favorites and get "
        "recommendations. Obtain a token at `POST /api/token/`, then click **Authorize** and "
        "paste the `access` value.\n\n"
        "Data sources: movie data from TMDB (The Movie Database); the demo catalog from MovieLens "
        "(GroupLens, non-commercial use) with TMDB metadata. This product uses the TMDB API but is "
        "not endorsed or certified by TMDB."
    ),
    "VERSION": API_VERSION,
    "LICENSE": {"name": "MIT", "url": "https://opensource.org/license/mit"},
    "SERVE_INCLUDE_SCHEMA": False,
    # Where clients send requests: this server by default (relative to the schema's own URL).
    "SERVERS": [{"url": API_PUBLIC_URL, "description": "This API"}],
    "COMPONENT_SPLIT_REQUEST": True,
    "SCHEMA_PATH_PREFIX": r"/api/",
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
    "SWAGGER_UI_SETTINGS": {"persistAuthorization": True, "displayRequestDuration": True},
    "ENUM_NAME_OVERRIDES": {"ComponentStateEnum": "core.api.health.COMPONENT_STATES"},
}

# Namespaced settings of our own apps; every key has a default in the app's conf.py.
ACCOUNTS = {
    "JWT_COOKIE_MODE": env.bool("JWT_COOKIE_MODE", default=False),
    "COOKIE_SAMESITE": env("JWT_COOKIE_SAMESITE", default="Lax"),
    "COOKIE_TOKENS_IN_BODY": env.bool("JWT_COOKIE_TOKENS_IN_BODY", default=True),
    "ROTATE_REFRESH_TOKENS": env.bool("JWT_ROTATE_REFRESH_TOKENS", default=None),
    "FAVORITE_MOVIE_IDS": "favorites.selectors.favorite_movie_ids",
    "EXPORTERS": {
        "favorites": "favorites.selectors.favorites_export",
        "watchlist": "watchlist.selectors.watchlist_export",
        "ratings": "ratings.selectors.ratings_export",
        "history": "history.selectors.history_export",
        "imports": "imports.selectors.imports_export",
        "recommendations": "recommendations.selectors.hidden_export",
    },
    # GET /api/account-states/: each app's part of a user's relationship with movies.
    "ACCOUNT_STATES": {
        "favorite": "favorites.selectors.favorite_states",
        "watchlist": "watchlist.selectors.watchlist_states",
        "rating": "ratings.selectors.rating_states",
        "watched": "history.selectors.watched_states",
        "hidden": "recommendations.selectors.hidden_states",
    },
    # Empty is the default too: docker compose passes them empty when unset (it cannot hold
    # these defaults: its interpolation ends a ${NAME:-default} at the default's first "}").
    "PASSWORD_RESET_URL": env("PASSWORD_RESET_URL", default="")
    or "http://localhost:5173/reset-password?uid={uid}&token={token}",
    "PASSWORD_RESET_EMAILS_PER_HOUR": env.int("PASSWORD_RESET_EMAILS_PER_HOUR", default=3),
    "EMAIL_VERIFY_URL": env("EMAIL_VERIFY_URL", default="")
    or "http://localhost:5173/verify-email?uid={uid}&token={token}",
    "LOGIN_REQUIRES_VERIFIED_EMAIL": env.bool("LOGIN_REQUIRES_VERIFIED_EMAIL", default=False),
}

CATALOG = {
    "DETAIL_EXTRAS": ["ratings.serializers.MovieRatingsSerializer"],
    # An empty catalog without a TMDB key gets the bundled demo catalog (docker compose).
    "LOAD_DEMO_CATALOG": env.bool("LOAD_DEMO_CATALOG", default=False),
}

# The ratings the Letterboxd export (GET /api/me/export/letterboxd.csv) writes beside the plays.
HISTORY = {"RATINGS": "ratings.selectors.rating_values"}

# Where each kind of an import's rows goes (the apps' import services); an app left out (not
# installed) is skipped, and its rows are counted as skipped ("no <kind> app").
IMPORTS = {
    "TARGETS": {
        "plays": "history.services.plays_import",
        "ratings": "ratings.services.ratings_import",
        "watchlist": "watchlist.services.watchlist_import",
        "favorites": "favorites.services.favorites_import",
    },
    "MAX_UPLOAD_BYTES": env.int("IMPORT_MAX_UPLOAD_BYTES", default=20 * 1024 * 1024),
}

# Entries of apps that are not installed are skipped (core.conf.installed_paths). PRIOR_FILE: a
# community prior of co-favorites for the neighbour build, a user_id,tmdb_id CSV
# (docs/recommendations.md); relative paths are inside the recommendations package. None by
# default: the bundled MovieLens one ("prior/movielens-cofavorites.csv.gz") is licensed for
# non-commercial use only, so a deployment that may use it (or ships its own) opts in here.
RECOMMENDATIONS: dict[str, object] = {
    "PRIOR_FILE": env("RECOMMENDATIONS_PRIOR_FILE", default="") or None,
    "BUILD_SIGNALS": ["ratings.selectors.rating_signals", "history.selectors.play_signals"],
    "USER_SIGNALS": [
        "watchlist.selectors.watchlist_signals",
        "ratings.selectors.user_rating_signals",
        "history.selectors.user_play_signals",
    ],
    "USER_NAMESPACES": [
        "watchlist.cache.user_namespace",
        "ratings.cache.user_namespace",
        "history.cache.user_namespace",
    ],
}

TMDB = {
    "API_KEY": env("TMDB_API_KEY", default=""),
    "READ_ACCESS_TOKEN": env("TMDB_READ_ACCESS_TOKEN", default=""),
    "BASE_URL": env("TMDB_BASE_URL", default="https://api.themoviedb.org/3"),
    "IMAGE_BASE_URL": env("TMDB_IMAGE_BASE_URL", default="https://image.tmdb.org/t/p/"),
    "POSTER_SIZE": env("TMDB_POSTER_SIZE", default="w500"),
    "BACKDROP_SIZE": env("TMDB_BACKDROP_SIZE", default="w1280"),
    "TIMEOUT": (
        env.float("TMDB_CONNECT_TIMEOUT", default=3.05),
        env.float("TMDB_READ_TIMEOUT", default=10.0),
    ),
    "MAX_RETRIES": env.int("TMDB_MAX_RETRIES", default=4),
    "RATE_LIMIT_PER_SECOND": env.float("TMDB_RATE_LIMIT_PER_SECOND", default=20.0),
    # Counted in Redis (one budget for every process and machine) when there is one.
    "RATE_LIMIT_STORAGE": env("TMDB_RATE_LIMIT_STORAGE", default=REDIS_URL or "memory://"),
    "LANGUAGE": env("TMDB_LANGUAGE", default="en-US"),
}

# Background work: Celery (config/celery.py). The broker is CELERY_BROKER_URL (Redis, or RabbitMQ:
# amqp://user:password@host:5672//), by default REDIS_URL's Redis; with neither (`make run`) a
# folder of files (kombu's filesystem transport: nothing to install), which the worker `make run`
# starts beside the server reads. Nothing slow runs inside a request, there either.
CELERY_BROKER_URL = env("CELERY_BROKER_URL", default=REDIS_URL or "filesystem://")
if CELERY_BROKER_URL.startswith("filesystem:"):
    _QUEUE_DIR = env("CELERY_QUEUE_DIR", default=str(BASE_DIR / "var" / "celery"))
    CELERY_BROKER_TRANSPORT_OPTIONS: dict[str, object] = {
        "data_folder_in": _QUEUE_DIR,
        "data_folder_out": _QUEUE_DIR,
        "control_folder": _QUEUE_DIR + "-control",
        "store_processed": False,
    }
    Path(_QUEUE_DIR).mkdir(parents=True, exist_ok=True)
    Path(_QUEUE_DIR + "-control").mkdir(parents=True, exist_ok=True)
else:
    # A hung broker costs a request that queues a task a bounded few seconds (then the task is
    # logged as lost: core.jobs.delay_on_commit), never a stalled worker.
    CELERY_BROKER_TRANSPORT_OPTIONS = {
        "socket_timeout": env.float("CELERY_BROKER_TIMEOUT", default=2.0),
        "socket_connect_timeout": env.float("CELERY_BROKER_TIMEOUT", default=2.0),
    }
CELERY_BROKER_CONNECTION_TIMEOUT = env.float("CELERY_BROKER_TIMEOUT", default=2.0)
CELERY_TASK_PUBLISH_RETRY_POLICY = {"max_retries": 1, "interval_start": 0.2, "interval_step": 0.5}
# Results are not kept (a task's effect is in the database), but for failures, stored with their
# traceback and shown in the admin (django-celery-results' "Task results"), and the periodic
# jobs' runs (their tasks set ignore_result=False). Kept 30 days: beat's daily backend_cleanup.
CELERY_RESULT_BACKEND = "django-db"
CELERY_RESULT_EXTENDED = True
CELERY_RESULT_EXPIRES = timedelta(days=30)
CELERY_TASK_IGNORE_RESULT = True
CELERY_TASK_STORE_ERRORS_EVEN_IF_IGNORED = True
# A task is acknowledged once done: one whose worker died is delivered again (the jobs' lock,
# core.jobs, keeps a second run of a job out meanwhile). One task at a time per worker process.
CELERY_TASK_ACKS_LATE = True
CELERY_TASK_REJECT_ON_WORKER_LOST = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_WORKER_HIJACK_ROOT_LOGGER = False  # LOGGING below
CELERY_TIMEZONE = TIME_ZONE
# The schedule (celery beat). README's cron lines run the same jobs by hand.
CELERY_BEAT_SCHEDULE = {
    "tmdb-changes": {"task": "catalog.tasks.tmdb_changes", "schedule": crontab(minute=15, hour=3)},
    "tmdb-lists": {
        "task": "catalog.tasks.tmdb_lists",
        "schedule": crontab(minute=30, hour=3, day_of_week=1),
    },
    "catalog-first-import": {
        "task": "catalog.tasks.catalog_fill_if_empty",
        "schedule": crontab(minute=0),
    },
    "recommendations-build": {
        "task": "recommendations.tasks.build_if_stale",
        "schedule": crontab(minute="*/30"),
    },
    "accounts-prune": {
        "task": "accounts.tasks.prune_expired",
        "schedule": crontab(minute=45, hour=4),
    },
    "imports-requeue-stale": {
        "task": "imports.tasks.requeue_stale",
        "schedule": crontab(minute="*/15"),
    },
}
# Sent as beat starts too: a new stack fills its catalog at once.
CELERY_BEAT_AT_START = ["catalog.tasks.catalog_fill_if_empty"]
CELERY_BEAT_SCHEDULE_FILENAME = env(
    "CELERY_BEAT_SCHEDULE_FILENAME", default=str(BASE_DIR / "var" / "celerybeat-schedule")
)
# One run of a job at a time (core.jobs): a Redis lock that lapses EXPIRE_SECONDS after its
# holder stops renewing it (crashed), else a file lock in DIRECTORY (one machine).
JOB_LOCKS = {
    "REDIS_URL": env("JOB_LOCK_REDIS_URL", default=REDIS_URL),
    "DIRECTORY": str(BASE_DIR / "var" / "locks"),
    "EXPIRE_SECONDS": env.float("JOB_LOCK_EXPIRE_SECONDS", default=60.0),
}

# Logs on stderr: one JSON object per line (LOG_FORMAT=json, the default) or plain text
# (LOG_FORMAT=plain, `make run`), every line with the request's id (core.logs, core.access).
LOG_FORMAT = env("LOG_FORMAT", default="json")
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "filters": {"request_id": {"()": "core.request_ids.RequestIdFilter"}},
    "formatters": {
        "json": {"()": "core.logs.JsonLines"},
        "plain": {"()": "core.logs.PlainLines"},
    },
    "handlers": {
        "console": {
            "class": "logging.StreamHandler",  # stderr: a command's own output stays apart
            "formatter": LOG_FORMAT,
            "filters": ["request_id"],
        }
    },
    "root": {"handlers": ["console"], "level": env("DJANGO_LOG_LEVEL", default="INFO")},
    "loggers": {
        "django.db.backends": {"level": "WARNING"},
        "axes": {"level": "WARNING"},
        # core.access's line replaces runserver's own.
        "django.server": {"level": "WARNING"},
        # The access line of each request (core.access): ACCESS_LOG=false leaves it out.
        "core.access": {"level": "INFO" if env.bool("ACCESS_LOG", default=True) else "WARNING"},
    },
}

# Prometheus metrics at /metrics (core.metrics): refused by nginx from outside; with a token set,
# answered only to "Authorization: Bearer <token>".
METRICS_TOKEN = env("METRICS_TOKEN", default="")
# The jobs whose last success /metrics reports (last_success_age_seconds): when each last
# succeeded, by the function that reads it from what the job records.
METRICS_LAST_SUCCESS = {
    "tmdb_sync": "catalog.selectors.last_sync_at",
    "recommendations_build": "recommendations.selectors.last_build_at",
}

# Error reports to Sentry, off unless SENTRY_DSN is set (config/sentry.py).
SENTRY_DSN = env("SENTRY_DSN", default="")
if SENTRY_DSN:
    from config import sentry

    sentry.init(
        SENTRY_DSN,
        environment=env("SENTRY_ENVIRONMENT", default="production"),
        release=env("SENTRY_RELEASE", default="") or None,
        traces_sample_rate=env.float("SENTRY_TRACES_SAMPLE_RATE", default=0.0),
    )
