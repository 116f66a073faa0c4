#!/usr/bin/env bash
# drverify's two jobs, each installing what it needs on a fresh Debian 12 machine:
#   ./run.sh check [ARGS]         the drift checks: `drverify check` (default: the embedded example
#                                 inventory); writes reports/drift-report.html, checks.html (pytest-html),
#                                 drift.json and junit.xml; exit status 0-4 as the README says
#   ./run.sh test  [PYTEST ARGS]  the project's own tests, lab included (root: real hosts in
#                                 network namespaces, real sshd, slapd, BIND, tinyproxy)
set -euo pipefail
cd "$(dirname "$0")"
VENV=${DRVERIFY_VENV:-.venv}

# Debian packages the lab and the report test use (installed only when missing): the hosts'
# sshd and firewalls, the lab's servers (BIND, slapd, tinyproxy, ProFTPD with mod_sftp, HAProxy and
# socat for its Runtime API), gpg, and Chromium to look at
# the HTML report as a person would.
DEBS=(openssh-server openssh-client iptables nftables iproute2 procps util-linux mount openssl
      ca-certificates gnupg sudo bind9 bind9-dnsutils slapd ldap-utils tinyproxy chromium
      proftpd-core proftpd-mod-crypto haproxy socat)

python_env() {
  local stamp="$VENV/.installed-$(sha256sum pyproject.toml | cut -c1-16)"
  [ -f "$stamp" ] && return 0
  if ! python3 -m venv "$VENV" >/dev/null 2>&1; then
    apt_install python3-venv
    python3 -m venv "$VENV"
  fi
  "$VENV/bin/python" -m pip install --quiet --disable-pip-version-check -e '.[test]'
  touch "$stamp"
}

apt_install() {
  local missing=()
  for package in "$@"; do
    dpkg-query -W -f='${Status}' "$package" 2>/dev/null | grep -q 'ok installed' || missing+=("$package")
  done
  [ ${#missing[@]} -eq 0 ] && return 0
  if [ "$(id -u)" -ne 0 ]; then
    echo "run.sh: missing Debian packages (run as root to install them): ${missing[*]}" >&2
    return 1
  fi
  # Daemons must not start in the root namespace: the lab runs its own, inside hosts.
  local guard=0
  if [ ! -e /usr/sbin/policy-rc.d ]; then
    printf '#!/bin/sh\nexit 101\n' >/usr/sbin/policy-rc.d && chmod +x /usr/sbin/policy-rc.d && guard=1
  fi
  export DEBIAN_FRONTEND=noninteractive
  # slapd: no debconf-made directory; the lab builds its own cn=config with slapadd.
  echo 'slapd slapd/no_configuration boolean true' | debconf-set-selections
  apt-get update -qq
  apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
  [ "$guard" = 1 ] && rm -f /usr/sbin/policy-rc.d
  return 0
}

job=${1:-}; shift || true
case "$job" in
  check)
    python_env
    exec "$VENV/bin/python" -m drverify check "$@"
    ;;
  test)
    if [ "$(id -u)" -eq 0 ]; then apt_install "${DEBS[@]}"; fi
    python_env
    exec "$VENV/bin/python" -m pytest tests -p no:cacheprovider "$@"
    ;;
  *)
    echo "usage: ./run.sh check|test [pytest arguments]" >&2
    exit 2
    ;;
esac
