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

# apt_install PACKAGE WHY: install a Debian package when root with apt-get, else say which tests need it.
apt_install() {
  if command -v apt-get >/dev/null 2>&1 && [ "$(id -u)" = 0 ]; then
    echo "setup: installing $1 ($2)"
    apt-get update -qq >/dev/null
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "$1" >/dev/null
  else
    echo "setup: $1 not found and cannot apt-get install it (need root + apt); $2" >&2
    return 1
  fi
}

if ! command -v promtool >/dev/null 2>&1 || ! command -v prometheus >/dev/null 2>&1; then
  if apt_install prometheus "promtool and the Prometheus tests need it"; then
    # the package starts a system Prometheus on :9090; the tests start their own on a free port
    (systemctl stop prometheus 2>/dev/null || service prometheus stop 2>/dev/null || true) >/dev/null 2>&1
  fi
fi
command -v openssl >/dev/null 2>&1 || apt_install openssl "the secured-broker tests make their CA with it" || true
command -v chromium >/dev/null 2>&1 || apt_install chromium "the report page is tested in a headless browser" || true

echo "setup: resolving Apache Kafka with Maven (cached after the first run)"
.venv/bin/python -c "from workers.localkafka import LocalKafka; LocalKafka.from_env().ensure_lib()"
echo "setup: done"
