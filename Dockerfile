# Headwater in a container: `docker build -t headwater .` then
# `docker run --rm -p 127.0.0.1:4566:4566 -v headwater-data:/data headwater`
# (or compose.yaml). State lives in the /data volume; the server runs as a non-root user, so
# function workers run as that user too (--worker-isolation needs root; README, Functions).
FROM python:3.12-slim

ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    PIP_NO_CACHE_DIR=1 \
    PIP_DISABLE_PIP_VERSION_CHECK=1

WORKDIR /opt/headwater
COPY pyproject.toml README.md ./
COPY src ./src
RUN pip install --no-cache-dir . \
    && useradd --create-home --uid 10001 --user-group headwater \
    && mkdir /data \
    && chown headwater:headwater /data

USER 10001:10001
WORKDIR /home/headwater
# Each Python runtime's pinned boto3 into the image's cache (~/.cache/headwater), so functions
# run with no network; the Node.js runtimes need a node the slim image does not have.
RUN headwater runtimes --install
VOLUME ["/data"]
EXPOSE 4566

HEALTHCHECK --interval=10s --timeout=3s --start-period=15s --retries=3 \
    CMD ["python", "-c", "import sys, urllib.request; sys.exit(urllib.request.urlopen('http://127.0.0.1:4566/_headwater/health', timeout=2).status != 200)"]

# 0.0.0.0 inside the container; publish the port on 127.0.0.1 only (compose.yaml does).
ENTRYPOINT ["headwater", "serve"]
CMD ["--host", "0.0.0.0", "--port", "4566", "--data-dir", "/data", "--log-level", "info"]
