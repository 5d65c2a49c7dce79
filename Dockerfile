# The redhive platform: `docker build -t redhive .`; compose.yaml runs it with PostgreSQL.
# The image runs deploy/entrypoint.sh: `migrate` (schema to head) or `serve` (the default, port 8000).
# Without a container runtime, deploy/smoke.sh runs the same steps against a local PostgreSQL.
FROM python:3.11-slim

ENV PYTHONDONTWRITEBYTECODE=1 PYTHONUNBUFFERED=1 PIP_NO_CACHE_DIR=1 \
    REDHIVE_HOME=/var/lib/redhive REDHIVE_ENV=production

RUN useradd --create-home --uid 10001 redhive && mkdir -p /var/lib/redhive && chown redhive /var/lib/redhive
WORKDIR /app
# The locked dependencies first (a layer that changes only with the lock), then the package.
COPY requirements.lock ./
RUN pip install -r requirements.lock
COPY pyproject.toml README.md ./
COPY src ./src
COPY deploy/entrypoint.sh /usr/local/bin/redhive-entrypoint
# (requirements.lock is compiled with the postgres extra: psycopg is in it)
RUN pip install --no-deps . && chmod 0755 /usr/local/bin/redhive-entrypoint

USER redhive
EXPOSE 8000
HEALTHCHECK --interval=10s --timeout=5s --start-period=30s --retries=5 \
    CMD python -c "import urllib.request; urllib.request.urlopen('http://127.0.0.1:8000/readyz', timeout=4)"
ENTRYPOINT ["redhive-entrypoint"]
CMD ["serve"]
