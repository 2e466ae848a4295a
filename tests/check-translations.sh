#!/bin/sh
# Every user-facing string in POTFILES.in has a Chinese translation in po/zh_CN.po,
# and the catalogue compiles.
set -eu
src=$1
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
cd "$src"
xgettext --from-code=UTF-8 --keyword=_ --keyword=N_ --keyword=C_:1c,2 --keyword=NC_:1c,2 \
	--add-comments --files-from=po/POTFILES.in --directory="$src" --output="$tmp/huiyuan.pot"
msgmerge --quiet --no-fuzzy-matching po/zh_CN.po "$tmp/huiyuan.pot" --output-file="$tmp/zh_CN.po"
stats=$(msgfmt --check --statistics --output-file=/dev/null "$tmp/zh_CN.po" 2>&1)
echo "$stats"
case "$stats" in
*untranslated* | *fuzzy*)
	echo "po/zh_CN.po is incomplete: run msgmerge against a fresh template and translate" >&2
	msgattrib --untranslated --no-obsolete "$tmp/zh_CN.po" | grep '^msgid' | head -20 >&2
	exit 1
	;;
esac
