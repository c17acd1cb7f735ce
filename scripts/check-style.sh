#!/usr/bin/env bash
# Style gates CI runs before the tests (docs/conventions: clang-format and qmllint):
#  - every tracked C++ file is as clang-format (.clang-format) would write it;
#  - qmllint passes on every QML module (settings in qml/.qmllint.ini).
# Usage: scripts/check-style.sh [BUILD_DIR]   (qmllint needs a configured, built tree)
# Fix formatting with: clang-format -i $(git ls-files '*.cpp' '*.h')
set -euo pipefail
cd "$(dirname "$0")/.."
build=${1:-build}

mapfile -t sources < <(git ls-files '*.cpp' '*.h')
if ! clang-format --dry-run -Werror "${sources[@]}"; then
  echo "check-style: the files above are not clang-formatted; run clang-format -i on them" >&2
  exit 1
fi
echo "check-style: ${#sources[@]} C++ files formatted"

cmake --build "$build" --target all_qmllint
echo "check-style: qmllint passed"
