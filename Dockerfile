# The lintas image used by docker-compose.yml: the `lintas` command and nothing else.
FROM python:3.11-slim
WORKDIR /app
COPY pyproject.toml README.md ./
COPY lintas ./lintas
COPY schemas ./schemas
COPY connectors ./connectors
COPY streams ./streams
RUN pip install --no-cache-dir ".[postgres]"
# Owned by nobody, so that the volumes docker-compose.yml mounts there start writable
# (LINTAS_HOME, and the scrape token Prometheus, also nobody, reads).
RUN mkdir -p /tmp/lintas /run/lintas && chown nobody /tmp/lintas /run/lintas
USER nobody
ENV LINTAS_HOME=/tmp/lintas
ENTRYPOINT ["lintas"]
