# The lintas image used by docker-compose.yml: the `lintas` command and nothing else.
FROM python:3.11-slim
WORKDIR /app
COPY pyproject.toml README.md ./
COPY lintas ./lintas
COPY schemas ./schemas
COPY connectors ./connectors
COPY streams ./streams
RUN pip install --no-cache-dir ".[postgres]"
USER nobody
ENV LINTAS_HOME=/tmp/lintas
ENTRYPOINT ["lintas"]
