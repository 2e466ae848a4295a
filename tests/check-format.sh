#!/bin/sh
# The C sources follow .clang-format.
set -eu
cd "$1"
if ! command -v clang-format >/dev/null; then
	echo "clang-format is not installed (data/debian-packages.txt lists it)" >&2
	exit 1
fi
git ls-files '*.c' '*.h' 2>/dev/null | xargs clang-format --dry-run --Werror
