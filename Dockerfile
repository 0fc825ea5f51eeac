# Onward's container image: one image, two commands (README "Running the image").
#   web:    gunicorn -c deploy/gunicorn.conf.py config.wsgi   (the default)
#   worker: python manage.py db_worker
# Secrets and the database come from the environment at run time (DJANGO_SECRET_KEY,
# DATABASE_URL, DJANGO_ALLOWED_HOSTS); nothing secret is built into the image.

FROM node:20-bookworm-slim AS assets
WORKDIR /src
COPY package.json package-lock.json ./
RUN npm ci --no-audit --no-fund --loglevel=error
COPY assets assets
COPY scripts/build-assets.mjs scripts/build-assets.mjs
RUN npm run build

FROM python:3.11-slim-bookworm
ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    PIP_DISABLE_PIP_VERSION_CHECK=1 \
    DJANGO_SETTINGS_MODULE=config.settings.production
# WeasyPrint's libraries and fonts, for the committee documents and reports as PDF; xmlsec1, which
# checks and makes the signatures of SAML sign-in (ADR 32).
RUN apt-get update \
    && apt-get install -y --no-install-recommends libpango-1.0-0 libpangoft2-1.0-0 fonts-liberation libcairo2 xmlsec1 \
    && rm -rf /var/lib/apt/lists/*
WORKDIR /app
COPY requirements.txt requirements-903.txt ./
RUN pip install --no-cache-dir -r requirements.txt
# The Department for Education's SSDA903 rules, in their own environment (they pin old pandas).
RUN python -m venv .venv-903 && .venv-903/bin/pip install --no-cache-dir -r requirements-903.txt
COPY config config
COPY onward onward
COPY deploy deploy
COPY scripts/validate_903.py scripts/validate_903.py
COPY manage.py ./
COPY --from=assets /src/onward/static/vendor onward/static/vendor
# Onward's own modules compiled once here (PYTHONDONTWRITEBYTECODE stops Python writing them at run
# time), so no process (web, worker, management command) compiles them again when it starts.
RUN python -m compileall -q config onward
RUN DJANGO_SECRET_KEY=collectstatic-only python manage.py collectstatic --no-input -v0
RUN useradd --system --home-dir /app onward
USER onward
EXPOSE 8000
CMD ["gunicorn", "-c", "deploy/gunicorn.conf.py", "config.wsgi"]
