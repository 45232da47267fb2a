# MLflow tracking server: the upstream image plus the PostgreSQL driver (RDS metadata store) and
# boto3 (S3 artifact store). Context: apps/services/mlflow (its requirements.txt).
# Two stages: pip runs in the first and only the installed packages reach the final image (no
# requirements file, no pip cache or build leftovers).
ARG BASE_IMAGE=ghcr.io/mlflow/mlflow:v2.22.0
FROM ${BASE_IMAGE} AS deps
COPY requirements.txt /tmp/requirements.txt
RUN pip install --no-cache-dir --prefix=/install -r /tmp/requirements.txt

FROM ${BASE_IMAGE}
COPY --from=deps /install /usr/local
# The server keeps no local state (metadata in RDS, artifacts in S3): it runs as nobody.
USER 65534:65534
EXPOSE 5000
# The path the ALB and Cloud Map probe (SERVICES table: mlflow, 5000, /mlflow/health).
HEALTHCHECK --interval=30s --timeout=5s --start-period=30s --retries=3 \
  CMD ["python", "-c", "import sys, urllib.request; sys.exit(0 if urllib.request.urlopen('http://127.0.0.1:5000/mlflow/health', timeout=4).status == 200 else 1)"]
# --static-prefix puts the UI and API under /mlflow, matching the ALB path pattern /mlflow*.
CMD ["sh", "-c", "mlflow server --host 0.0.0.0 --port 5000 --static-prefix /mlflow --backend-store-uri \"$MLFLOW_BACKEND_STORE_URI\" --default-artifact-root \"$MLFLOW_ARTIFACT_ROOT\""]
