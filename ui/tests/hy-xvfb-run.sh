#!/bin/sh
# Runs one test under its own Xvfb server; Xvfb picks a free display number itself
# (-displayfd), so tests can run in parallel and next to a desktop. G_TEST_OPTION_ISOLATE_DIRS
# would hide the icon theme, so the folders are isolated here instead.
set -eu
tmp=$(mktemp -d)
xvfb=
cleanup () {
	[ -n "$xvfb" ] && kill "$xvfb" 2>/dev/null || true
	rm -rf "$tmp"
}
trap cleanup EXIT
Xvfb -displayfd 3 -screen 0 1600x1000x24 -nolisten tcp -noreset 3>"$tmp/display" \
	2>"$tmp/xvfb.log" &
xvfb=$!
while [ ! -s "$tmp/display" ]; do
	if ! kill -0 "$xvfb" 2>/dev/null; then
		echo "Xvfb did not start:" >&2
		cat "$tmp/xvfb.log" >&2
		exit 1
	fi
	sleep 0.1
done
DISPLAY=:$(cat "$tmp/display")
export DISPLAY
# settings, caches and data of the run stay in the temporary folder (the system's
# XDG_DATA_DIRS stay: icons and the MIME database live there)
mkdir -p "$tmp/home" "$tmp/config" "$tmp/data" "$tmp/cache"
HOME=$tmp/home XDG_CONFIG_HOME=$tmp/config XDG_DATA_HOME=$tmp/data XDG_CACHE_HOME=$tmp/cache
export HOME XDG_CONFIG_HOME XDG_DATA_HOME XDG_CACHE_HOME
rc=0
"$@" || rc=$?
exit $rc
