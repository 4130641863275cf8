# Spotcheck: one image for the web app (gunicorn), the Celery worker and Celery beat.
#   docker build -t spotcheck .
#   docker compose up          (see docker-compose.yml; SECRET_KEY must be set)

# Stage 0 builds the browser verifier (spotcheck-verify.js) with npm ci + esbuild, at the versions of
# package-lock.json, with Node 20 and npm taken from the official node:20-slim image (Debian, like
# this one; the first stage stays python:3.11-slim, as tests/system/test_dockerfile.py asks).
# Only the built file goes into the image below.
FROM python:3.11-slim
COPY --from=node:20-slim /usr/local/bin/node /usr/local/bin/node
COPY --from=node:20-slim /usr/local/lib/node_modules/npm /usr/local/lib/node_modules/npm
WORKDIR /verifier
COPY package.json package-lock.json ./
RUN node /usr/local/lib/node_modules/npm/bin/npm-cli.js ci --no-audit --no-fund
COPY spotcheck/platform/static/verifier-src spotcheck/platform/static/verifier-src
RUN node /usr/local/lib/node_modules/npm/bin/npm-cli.js run build

# The image: web app, worker and beat.
FROM python:3.11-slim

ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    PIP_DISABLE_PIP_VERSION_CHECK=1

# An unprivileged user to run every process as.
RUN groupadd --system spotcheck \
    && useradd --system --gid spotcheck --home-dir /app --no-create-home --shell /usr/sbin/nologin spotcheck

# WeasyPrint's libraries (Pango) and CJK fonts for the PDF notices (检查通知书 …).
RUN apt-get update \
    && apt-get install -y --no-install-recommends libpango-1.0-0 libpangoft2-1.0-0 fonts-wqy-microhei fonts-noto-cjk \
    && rm -rf /var/lib/apt/lists/*

WORKDIR /app
COPY . /app
COPY --from=0 /verifier/spotcheck/platform/static/spotcheck-verify.js /app/spotcheck/platform/static/spotcheck-verify.js

# Non-editable install: the package lands in site-packages, so the code under /app is only
# read for migrations/. The draw's C part (setup.py) is compiled against OpenSSL's headers,
# checked from outside /app (there the source tree would be imported instead) and copied
# next to its source too: gunicorn and celery put their working directory, /app, first on
# the path. Then the compiler and the headers leave the image (libcrypto itself is
# Python's own). The instance directory must be writable by the app user: with a
# non-editable install Flask would otherwise pick /usr/local/var/spotcheck-instance, which
# the unprivileged user cannot create.
RUN apt-get update \
    && apt-get install -y --no-install-recommends gcc libc6-dev libssl-dev \
    && pip install --no-cache-dir . \
    && (cd / && python -c "import shutil, spotcheck.draw._native as c; shutil.copy(c.__file__, '/app/spotcheck/draw/')") \
    && apt-get purge -y --auto-remove gcc libc6-dev libssl-dev \
    && rm -rf /var/lib/apt/lists/* \
    && mkdir -p /app/instance /srv/spotcheck/storage \
    && chown spotcheck:spotcheck /app/instance /srv/spotcheck/storage

# Where `spotcheck db upgrade` finds the Alembic scripts (the package is not installed
# editable, so the default — next to the source tree — does not exist), where the app keeps
# its instance directory, and where its stored files are (a volume shared by web, worker and
# beat in docker-compose.yml).
ENV SPOTCHECK_MIGRATIONS=/app/migrations \
    SPOTCHECK_INSTANCE=/app/instance \
    SPOTCHECK_STORAGE=/srv/spotcheck/storage

USER spotcheck

EXPOSE 5000

CMD ["gunicorn", "spotcheck.wsgi:app", "--bind", "0.0.0.0:5000", "--workers", "2"]
