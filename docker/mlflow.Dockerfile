# MLflow tracking server: the upstream image plus the PostgreSQL driver (RDS metadata store) and
# boto3 (S3 artifact store). Context: apps/services/mlflow (its requirements.txt).
ARG BASE_IMAGE=ghcr.io/mlflow/mlflow:v2.22.0
FROM ${BASE_IMAGE}
COPY requirements.txt /tmp/requirements.txt
RUN pip install --no-cache-dir -r /tmp/requirements.txt && rm /tmp/requirements.txt
EXPOSE 5000
# --static-prefix puts the UI and API under /mlflow, matching the ALB path pattern /mlflow*.
CMD ["sh", "-c", "mlflow server --host 0.0.0.0 --port 5000 --static-prefix /mlflow --backend-store-uri \"$MLFLOW_BACKEND_STORE_URI\" --default-artifact-root \"$MLFLOW_ARTIFACT_ROOT\""]
