#!/usr/bin/env bash
# Installs tsvnc from this checkout as the Debian package lays it out, under
# PREFIX (default /usr/local): the bundled program in PREFIX/lib/tsvnc (the
# entry tsvnc.mjs and the chunks/ it loads, with the noVNC client that the web
# gateway serves in chunks/novnc/), the
# command PREFIX/bin/tsvnc, the man pages, bash completion and the systemd
# units. Everything is a copy readable by every user: nothing points back
# into the checkout, which may live where only its owner can read (/root).
# Needs the npm dependencies (npm ci); run as root for /usr/local.
set -euo pipefail
cd "$(dirname "$0")/.."
umask 022

prefix=${PREFIX:-/usr/local}
# The node that runs this script, by absolute path: the installed program and
# the units never depend on whichever node comes first on a user's PATH.
node=$(readlink -f "$(command -v node)")

[ -d node_modules/esbuild ] || { echo "install: the npm dependencies are missing; run: npm ci" >&2; exit 1; }
stage=$(mktemp -d)
trap 'rm -rf "$stage"' EXIT
node scripts/bundle.mjs "$stage/bundle"
head -1 "$stage/bundle/tsvnc.mjs" | grep -q '^#!' || { echo "install: the bundle does not start with #!" >&2; exit 1; }
{ echo "#!$node"; tail -n +2 "$stage/bundle/tsvnc.mjs"; } >"$stage/tsvnc"

lib=$prefix/lib/tsvnc
install -d "$prefix/bin" "$lib/chunks" "$prefix/share/man/man1" "$prefix/share/man/man5" \
  "$prefix/share/bash-completion/completions" "$prefix/lib/systemd/system" "$prefix/lib/systemd/user"
# Each file replaced by rename, so a tsvnc command running meanwhile keeps its
# own; the new chunks (and noVNC's files) go first (chunks are named by their
# contents, so an old entry never loads a new one by mistake), then the entry,
# then the files only the old entry used are removed.
(cd "$stage/bundle/chunks" && find . -mindepth 1 -type d -printf '%P\0') | xargs -0r -I{} install -d "$lib/chunks/{}"
while IFS= read -r -d '' file; do
  new=$(dirname "$lib/chunks/$file")/.${file##*/}.new
  install -m 644 "$stage/bundle/chunks/$file" "$new" && mv -f "$new" "$lib/chunks/$file"
done < <(cd "$stage/bundle/chunks" && find . -type f -printf '%P\0')
install -m 755 "$stage/tsvnc" "$lib/.tsvnc.mjs.new" && mv -f "$lib/.tsvnc.mjs.new" "$lib/tsvnc.mjs"
while IFS= read -r -d '' file; do
  [ -e "$stage/bundle/chunks/$file" ] && [ ! -d "$stage/bundle/chunks/$file" ] || rm -f "$lib/chunks/$file"
done < <(cd "$lib/chunks" && find . -mindepth 1 \( -type f -o -type l \) -printf '%P\0')
find "$lib/chunks" -mindepth 1 -type d -empty -delete
# A link, so that node sees the .mjs name (an ES module) and the program the
# name it was called by (tsvnc, or vncserver through a link of that name).
ln -sfn ../lib/tsvnc/tsvnc.mjs "$prefix/bin/tsvnc"
install -m 644 man/tsvnc.1 "$prefix/share/man/man1/tsvnc.1"
install -m 644 man/tsvnc.conf.5 "$prefix/share/man/man5/tsvnc.conf.5"
"$lib/tsvnc.mjs" completion >"$prefix/share/bash-completion/completions/tsvnc"
for unit in system/tsvnc.service system/tsvnc@.service user/tsvnc.service; do
  sed -e "s#/usr/bin/node#$node#" -e "s#/usr/share/tsvnc/tsvnc.mjs#$lib/tsvnc.mjs#" -e "s#/usr/bin/tsvnc#$prefix/bin/tsvnc#" \
    "packaging/systemd/$unit" >"$stage/unit"
  install -m 644 "$stage/unit" "$prefix/lib/systemd/$unit"
done
if [ -d /run/systemd/system ] && [ "$(id -u)" -eq 0 ]; then systemctl daemon-reload || true; fi
echo "installed $prefix/bin/tsvnc ($lib/tsvnc.mjs, run by $node)"
