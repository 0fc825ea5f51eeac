#!/usr/bin/env bash
# Installs the Debian or Ubuntu packages a make target needs, before the target starts.
#
#   scripts/machine-packages.sh SET [--check]
#
# SET is one of:
#   test   Chromium for the browser tests, the libraries and fonts WeasyPrint draws PDFs with
#          (and Cairo, which draws the charts as PNG images for Word documents), and xmlsec1,
#          which checks and makes the signatures of SAML sign-in (ADR 32)
#   demo   the libraries and fonts WeasyPrint draws PDFs with, and xmlsec1
#   bench  wrk for the web benchmarks, HAProxy for the scale-out benchmark (two web instances
#          behind one load balancer), and the PDF libraries and fonts
#
# On a machine that has them all it does nothing. Otherwise it installs the missing ones with
# apt-get as root, or with `sudo -n` where that works without a password; failing both, it stops
# at once with the one command to run. With --check it only lists what is missing (exit 1 if any).
set -euo pipefail

pdf=(libpango-1.0-0 libpangoft2-1.0-0 fonts-liberation libcairo2)
case "${1:-}" in
  test) packages=(chromium "${pdf[@]}" xmlsec1) ;;
  demo) packages=("${pdf[@]}" xmlsec1) ;;
  bench) packages=(wrk haproxy "${pdf[@]}") ;;
  *) echo "usage: $0 test|demo|bench [--check]" >&2; exit 2 ;;
esac
check_only=false
[ "${2:-}" = "--check" ] && check_only=true

if ! command -v dpkg-query >/dev/null 2>&1; then
  echo "Onward's set-up installs machine packages on Debian or Ubuntu only. On this machine, install" >&2
  echo "the equivalents of: ${packages[*]}" >&2
  exit 1
fi

missing=()
for package in "${packages[@]}"; do
  status=$(dpkg-query -W -f='${Status}' "$package" 2>/dev/null || true)
  [ "$status" = "install ok installed" ] || missing+=("$package")
done
[ ${#missing[@]} -eq 0 ] && exit 0

if $check_only; then
  echo "Missing machine packages: ${missing[*]}"
  exit 1
fi

install="apt-get update && apt-get install -y ${missing[*]}"
echo "Installing machine packages: ${missing[*]}"
export DEBIAN_FRONTEND=noninteractive
if [ "$(id -u)" = "0" ]; then
  apt-get update -qq
  apt-get install -y -qq "${missing[@]}" >/dev/null
elif command -v sudo >/dev/null 2>&1 && sudo -n true 2>/dev/null; then
  sudo -n env DEBIAN_FRONTEND=noninteractive apt-get update -qq
  sudo -n env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${missing[@]}" >/dev/null
else
  echo "" >&2
  echo "Onward needs machine packages that only an administrator of this machine can install." >&2
  echo "Run this, then run make again:" >&2
  echo "" >&2
  echo "    sudo sh -c '$install'" >&2
  echo "" >&2
  exit 1
fi
