#!/bin/sh
# install-deps.sh — install the Debian packages failsig needs to build and
# test, skipping what is already there. Runs apt-get as root (or via sudo).
set -e
pkgs="make gcc re2c bison pkg-config libjansson-dev libsqlite3-dev libcurl4-openssl-dev libmicrohttpd-dev curl sqlite3 chromium valgrind"
missing=""
for p in $pkgs; do
	dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "ok installed" || missing="$missing $p"
done
[ -z "$missing" ] && exit 0
echo "installing:$missing"
if [ "$(id -u)" -eq 0 ]; then
	sudo=""
else
	sudo="sudo"
fi
$sudo apt-get update -qq
# shellcheck disable=SC2086
DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq $missing >/dev/null
