# The graph-intel API service (see docker-compose.yml). Build: docker build -t graph-intel .
FROM python:3.11-slim-bookworm

ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    PIP_NO_CACHE_DIR=1 \
    PIP_DISABLE_PIP_VERSION_CHECK=1

WORKDIR /app
COPY pyproject.toml README.md ./
COPY graph_intel ./graph_intel
COPY loaders ./loaders
COPY api ./api
RUN pip install . \
    && useradd --uid 10001 --create-home --shell /usr/sbin/nologin graphintel \
    && mkdir -p /data \
    && chown graphintel:graphintel /data

USER graphintel
WORKDIR /data
EXPOSE 8000

HEALTHCHECK --interval=15s --timeout=10s --start-period=20s --retries=5 \
    CMD ["python", "-c", "import urllib.request; urllib.request.urlopen('http://127.0.0.1:8000/health', timeout=5)"]

CMD ["graph-intel", "serve", "--host", "0.0.0.0", "--port", "8000"]
