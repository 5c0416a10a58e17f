# udbudsbot in a container. Not built in this repository's CI (no Docker engine there); the
# same steps run in CI without Docker (.ci/run: pip install, migrations at start, pytest).
#
#   docker build -t udbudsbot .
#   docker run --env-file /etc/udbudsbot/udbudsbot.env \
#     -v /etc/udbudsbot/config.toml:/app/config.toml:ro -p 8443:8443 -p 9464:9464 udbudsbot
#
# Several containers on one PostgreSQL: set UDBUDSBOT_DATABASE_URL and webhook mode; each
# container listens on 0.0.0.0 (telegram.webhook_listen / ops.http_listen in its config).
FROM python:3.11-slim

ENV PYTHONDONTWRITEBYTECODE=1 PYTHONUNBUFFERED=1 PIP_NO_CACHE_DIR=1 \
    UDBUDSBOT_CONFIG=/app/config.toml

RUN useradd --system --create-home --home-dir /var/lib/udbudsbot udbudsbot
WORKDIR /app

COPY pyproject.toml README.md ./
COPY jobs ./jobs
COPY bot ./bot
RUN pip install .

COPY config.toml faq.toml ./
COPY examples ./examples

USER udbudsbot
# webhook (telegram.webhook_port) and health/metrics (ops.http_port)
EXPOSE 8443 9464
HEALTHCHECK --interval=30s --timeout=5s --start-period=30s \
    CMD python -c "import os,sys,urllib.request as u; p=os.environ.get('UDBUDSBOT_OPS_PORT'); sys.exit(0 if not p else u.urlopen(f'http://127.0.0.1:{p}/healthz', timeout=4).status != 200)"
CMD ["udbudsbot", "run"]
