FROM python:3.11-slim

ENV PYTHONDONTWRITEBYTECODE=1 PYTHONUNBUFFERED=1 DJANGO_SETTINGS_MODULE=config.settings.prod
WORKDIR /app

# The production lock (`make lock`): every package at its locked version, each file checked
# against its sha256, wheels only; pip and setuptools included, so the apps below are built by
# the locked setuptools rather than by one fetched unpinned into a build environment.
COPY requirements/prod.txt requirements/
RUN pip install --no-cache-dir --require-hashes --only-binary :all: -r requirements/prod.txt

# Only what the image runs: .dockerignore keeps tests, bench, docs, scripts and local state out.
COPY . .
# Every app: each distribution under src/ (src/<app>/pyproject.toml), the one list the Makefile
# (DISTS), the wheel check and CI read too; an app added there is installed here unchanged.
# `make check-image` replays these steps and runs the CMD (and compose's worker and beat).
RUN pip install --no-cache-dir --no-deps --no-build-isolation --check-build-dependencies \
       $(dirname src/*/pyproject.toml) \
    # The base settings: collecting static files needs no secret (prod's come at run time).
    && DJANGO_SETTINGS_MODULE=config.settings.base python manage.py collectstatic --noinput \
    && useradd --system --uid 1000 app
USER app

EXPOSE 8000
# Workers, threads and bind address: config/gunicorn.py (GUNICORN_WORKERS, GUNICORN_THREADS).
CMD ["gunicorn", "-c", "config/gunicorn.py"]
