# syntax=docker/dockerfile:1
# Collect Desk: one image for every process of the set (see README "Deployment files"):
#   app      gunicorn backoffice.wsgi -c deploy/gunicorn.conf.py   (the default command)
#   worker   python manage.py db_worker
#   migrate  python manage.py migrate --noinput
#   cron     python manage.py jobs_enqueue <name>
# Build: docker build -t collect-desk .   A release pipeline pins the base by digest with
# --build-arg PYTHON_IMAGE=python:3.12-slim-bookworm@sha256:...

ARG PYTHON_IMAGE=python:3.12-slim-bookworm

# --- build: the dependencies into a virtual environment -------------------------------------
FROM ${PYTHON_IMAGE} AS build
ENV PIP_NO_CACHE_DIR=1 \
    PIP_DISABLE_PIP_VERSION_CHECK=1 \
    PYTHONDONTWRITEBYTECODE=1
RUN python -m venv /opt/venv
ENV PATH=/opt/venv/bin:$PATH
WORKDIR /src
# Only the metadata: `pip install .` reads the dependencies from pyproject (no dev extras),
# so this layer is rebuilt only when they change. Every wheel is binary (psycopg bundles libpq).
COPY pyproject.toml README.md ./
RUN pip install --no-cache-dir .

# --- runtime ----------------------------------------------------------------------------------
FROM ${PYTHON_IMAGE} AS runtime
ENV PATH=/opt/venv/bin:$PATH \
    PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    DJANGO_DEBUG=false \
    APTIC_SANDBOX=false \
    COLLECT_DESK_VAR_DIR=/app/var \
    PROMETHEUS_MULTIPROC_DIR=/app/var/metrics \
    GUNICORN_BIND=0.0.0.0:8000 \
    GUNICORN_WORKERS=2 \
    GUNICORN_THREADS=8
RUN groupadd --system --gid 10001 desk \
    && useradd --system --uid 10001 --gid desk --home-dir /app --no-create-home \
       --shell /usr/sbin/nologin desk
COPY --from=build /opt/venv /opt/venv
WORKDIR /app
# The code stays root's (read-only to the app); only var/ is the app user's.
COPY . .
# Static files are collected (compressed, fingerprinted) into the image for WhiteNoise. The
# settings refuse production mode without a secret: a throwaway one serves the build only.
# The sandbox's apps are on here so that the same image can also run `sandbox_serve`.
RUN DJANGO_SECRET_KEY="build-only-$(python -c 'import secrets; print(secrets.token_urlsafe(48))')" \
    DJANGO_ALLOWED_HOSTS=build.invalid APTIC_SANDBOX=true \
    python manage.py collectstatic --noinput --verbosity 0 \
    && python -m compileall -q -j 0 backoffice debtors plans work sandbox \
    && rm -rf /app/var/test \
    && mkdir -p /app/var/metrics \
    && chown -R 10001:10001 /app/var

USER 10001:10001
EXPOSE 8000
HEALTHCHECK --interval=30s --timeout=5s --start-period=30s --retries=3 \
    CMD ["python", "-c", "import os, urllib.request as u; port = os.environ.get('GUNICORN_BIND', ':8000').rsplit(':', 1)[1]; u.urlopen(u.Request(f'http://127.0.0.1:{port}/livez', headers={'Host': 'localhost', 'X-Forwarded-Proto': 'https'}), timeout=4)"]
CMD ["gunicorn", "backoffice.wsgi", "--config", "deploy/gunicorn.conf.py"]
