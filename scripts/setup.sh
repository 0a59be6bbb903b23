# Installs what clickflow needs when it is missing. Sourced by start.sh and test.sh.
# `clickflow_setup run` needs only node_modules; `clickflow_setup test` also needs the servers and
# browser the tests start themselves (from the distribution's packages).

apt_install() {
  local sudo=""
  if [ "$(id -u)" -ne 0 ]; then sudo="sudo"; fi
  echo "== installing from the distribution's packages: $*"
  $sudo apt-get update -qq
  $sudo env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "$@"
}

clickflow_setup() {
  local purpose="$1"
  local major
  major="$(node -p 'process.versions.node.split(".")[0]')"
  if [ "$major" -lt 20 ]; then
    echo "clickflow needs Node.js 20 or newer; this is $(node --version)." >&2
    exit 1
  fi
  if [ "$purpose" = "test" ]; then
    local missing=()
    command -v nats-server >/dev/null 2>&1 || missing+=(nats-server)
    # The dashboard's browser test drives Debian's Chromium through playwright-core.
    command -v chromium >/dev/null 2>&1 || missing+=(chromium)
    if [ "${#missing[@]}" -gt 0 ]; then apt_install "${missing[@]}"; fi
  fi
  if [ ! -d node_modules ]; then
    echo "== npm ci"
    npm ci --no-audit --no-fund
  fi
}
