# The dermclaims worker image (used by docker-compose.yml).
FROM python:3.11-slim
WORKDIR /app
COPY pyproject.toml README.md ./
COPY rules ./rules
COPY schemas ./schemas
COPY workers ./workers
RUN pip install --no-cache-dir . && useradd --create-home worker
USER worker
ENV CLAIMS_DATA_DIR=/home/worker/state
EXPOSE 9108
ENTRYPOINT ["dermclaims"]
CMD ["worker"]
