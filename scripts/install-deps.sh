#!/usr/bin/env bash
# Installs every Debian/Ubuntu package Tavern needs to build, test and run, when missing.
# Usage: scripts/install-deps.sh   (uses sudo when not root; a no-op when all are present)
set -euo pipefail

packages=(
  # build
  build-essential cmake ninja-build pkg-config ccache
  qt6-base-dev qt6-declarative-dev qt6-websockets-dev qt6-tools-dev qt6-l10n-tools
  qtkeychain-qt6-dev libsodium-dev libqt6sql6-sqlite libqt6sql6-psql libqrencode-dev
  libsqlite3-dev   # tavern-server runs its hot statements through the sqlite3 C API
  # QML runtime (the app and the Quick tests)
  qml6-module-qtqml qml6-module-qtqml-workerscript qml6-module-qtquick
  qml6-module-qtquick-controls qml6-module-qtquick-templates qml6-module-qtquick-layouts
  qml6-module-qtquick-window qml6-module-qtquick-dialogs qml6-module-qttest
  # tests: a real secret service, PostgreSQL, TLS certificates, the fuzzing compiler
  dbus gnome-keyring postgresql openssl clang-14 libclang-rt-14-dev
  # style gate (scripts/check-style.sh)
  clang-format
)

missing=()
for p in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed' || missing+=("$p")
done
[ ${#missing[@]} -eq 0 ] && exit 0

echo "Installing ${#missing[@]} missing package(s): ${missing[*]}"
sudo=""
[ "$(id -u)" -eq 0 ] || sudo="sudo"
$sudo apt-get update -qq
DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq --no-install-recommends "${missing[@]}"
