#!/usr/bin/env bash
# Everything a fresh machine needs: the virtualenv with pinned dependencies, Apache Kafka's jars (Maven
# Central), Prometheus/promtool (Debian) for the observability tests, openssl for the secured-broker tests.
# Safe to run again.
set -euo pipefail
cd "$(dirname "$0")/.."
PYTHON="${PYTHON:-python3}"

if [ ! -x .venv/bin/python ]; then
  echo "setup: creating .venv with $($PYTHON --version)"
  "$PYTHON" -m venv .venv
fi
stamp=.venv/.dermclaims-installed
if [ ! -f "$stamp" ] || [ pyproject.toml -nt "$stamp" ] || [ requirements.lock -nt "$stamp" ]; then
  echo "setup: installing pinned dependencies"
  .venv/bin/pip install --quiet --upgrade pip
  .venv/bin/pip install --quiet -c requirements.lock -e '.[dev]'
  touch "$stamp"
fi

if ! command -v promtool >/dev/null 2>&1 || ! command -v prometheus >/dev/null 2>&1; then
  if command -v apt-get >/dev/null 2>&1 && [ "$(id -u)" = 0 ]; then
    echo "setup: installing Prometheus and promtool (Debian package prometheus)"
    apt-get update -qq >/dev/null
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends prometheus >/dev/null
    # the package starts a system Prometheus on :9090; the tests start their own on a free port
    (systemctl stop prometheus 2>/dev/null || service prometheus stop 2>/dev/null || true) >/dev/null 2>&1
  else
    echo "setup: prometheus/promtool not found and cannot apt-get install prometheus (need root + apt); install it to run the Prometheus tests" >&2
  fi
fi

if ! command -v openssl >/dev/null 2>&1; then
  if command -v apt-get >/dev/null 2>&1 && [ "$(id -u)" = 0 ]; then
    echo "setup: installing openssl (the secured-broker tests make their CA with it)"
    apt-get update -qq >/dev/null
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends openssl >/dev/null
  else
    echo "setup: openssl not found and cannot apt-get install it (need root + apt); the secured-broker tests need it" >&2
  fi
fi

if ! command -v chromium >/dev/null 2>&1; then
  if command -v apt-get >/dev/null 2>&1 && [ "$(id -u)" = 0 ]; then
    echo "setup: installing chromium (the report page is tested in a headless browser)"
    apt-get update -qq >/dev/null
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends chromium >/dev/null
  else
    echo "setup: chromium not found and cannot apt-get install it (need root + apt); the report page test needs it" >&2
  fi
fi

echo "setup: resolving Apache Kafka with Maven (cached after the first run)"
.venv/bin/python -c "from workers.localkafka import LocalKafka; LocalKafka.from_env().ensure_lib()"
echo "setup: done"
