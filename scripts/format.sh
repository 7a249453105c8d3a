#!/usr/bin/env bash
# Formats the tree: clang-format for C++ (.clang-format), Prettier for JS/TS/HTML/CSS
# (.prettierrc.json; data and docs are left alone, see .prettierignore). Only files git tracks or
# would track are touched, so build outputs never count. With --check it changes nothing and fails
# on any difference; `npm test` runs it that way.
set -euo pipefail
cd "$(dirname "$0")/.."

files() { git ls-files --cached --others --exclude-standard -- "$@"; }
mapfile -t cxx < <(files '*.h' '*.cpp' | grep -v '^tests/fuzz/corpus/')
mapfile -t web < <(files '*.js' '*.mjs' '*.cjs' '*.ts' '*.html' '*.css')
if [ "${1:-}" = "--check" ]; then
  clang-format --dry-run --Werror "${cxx[@]}"
  npx --no-install prettier --check --log-level warn "${web[@]}"
else
  clang-format -i "${cxx[@]}"
  npx --no-install prettier --write --log-level warn "${web[@]}"
fi
