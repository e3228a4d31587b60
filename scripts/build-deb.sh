#!/usr/bin/env bash
# Builds tsvnc_<version>_all.deb from this checkout, offline, with dpkg-deb:
# the CLI bundled by esbuild into an entry script that the system's node runs
# and the chunks it loads (/usr/share/tsvnc/tsvnc.mjs, /usr/share/tsvnc/chunks/), the
# man pages, the systemd units, bash completion and the documentation.
# Needs the npm dependencies (npm ci). Usage: scripts/build-deb.sh [OUTDIR]
# (default: dist/); prints the path of the package it wrote.
set -euo pipefail
cd "$(dirname "$0")/.."
umask 022

out=$(realpath -m "${1:-dist}")
version=$(node -p 'require("./package.json").version')
changelog_version=$(sed -n '1s/^tsvnc (\([^)]*\)).*/\1/p' packaging/debian/changelog)
if [ "$changelog_version" != "$version" ]; then
  echo "build-deb: packaging/debian/changelog starts at version ${changelog_version:-?}, package.json says $version; add a changelog entry" >&2
  exit 1
fi
trailer=$(grep -m1 '^ -- ' packaging/debian/changelog)
maintainer=$(sed 's/^ -- \(.*>\)  .*/\1/' <<<"$trailer")
# Reproducible: every timestamp in the package is the changelog entry's.
SOURCE_DATE_EPOCH=$(date -d "$(sed 's/^ -- .*>  //' <<<"$trailer")" +%s)
export SOURCE_DATE_EPOCH

[ -d node_modules/esbuild ] || { echo "build-deb: the npm dependencies are missing; run: npm ci" >&2; exit 1; }
npm run bundle --silent

stage=$(mktemp -d)
trap 'rm -rf "$stage"' EXIT
pkg=$stage/tsvnc
doc=$pkg/usr/share/doc/tsvnc
install -d "$pkg/DEBIAN" "$pkg/usr/bin" "$pkg/usr/share/tsvnc/chunks" "$doc/examples" \
  "$pkg/usr/share/man/man1" "$pkg/usr/share/man/man5" "$pkg/lib/systemd/system" "$pkg/usr/lib/systemd/user" \
  "$pkg/usr/share/bash-completion/completions"

# The system's node, not whichever one is first on a user's PATH.
{ echo '#!/usr/bin/node'; tail -n +2 dist/bundle/tsvnc.mjs; } >"$pkg/usr/share/tsvnc/tsvnc.mjs"
head -1 dist/bundle/tsvnc.mjs | grep -q '^#!' || { echo "build-deb: the bundle does not start with #!" >&2; exit 1; }
chmod 755 "$pkg/usr/share/tsvnc/tsvnc.mjs"
# The chunks and, under chunks/novnc, the noVNC client the web gateway serves;
# its license files are in the copyright file instead (Debian policy 12.5).
cp -R dist/bundle/chunks/. "$pkg/usr/share/tsvnc/chunks/"
find "$pkg/usr/share/tsvnc/chunks/novnc" -type f \( -name 'LICENSE*' -o -name 'COPYING*' \) -delete
find "$pkg/usr/share/tsvnc/chunks" -type d -exec chmod 755 {} + -o -type f -exec chmod 644 {} +
# A link, so that node sees the .mjs name (an ES module) and the program sees
# the name it was called by (tsvnc, or vncserver through the alternative).
ln -s ../share/tsvnc/tsvnc.mjs "$pkg/usr/bin/tsvnc"

gzip -9n <man/tsvnc.1 >"$pkg/usr/share/man/man1/tsvnc.1.gz"
gzip -9n <man/tsvnc.conf.5 >"$pkg/usr/share/man/man5/tsvnc.conf.5.gz"
install -m 644 packaging/systemd/system/tsvnc.service packaging/systemd/system/tsvnc@.service "$pkg/lib/systemd/system/"
install -m 644 packaging/systemd/user/tsvnc.service "$pkg/usr/lib/systemd/user/"
node dist/bundle/tsvnc.mjs completion >"$pkg/usr/share/bash-completion/completions/tsvnc"
chmod 644 "$pkg/usr/share/bash-completion/completions/tsvnc"

node scripts/deb-copyright.mjs dist/bundle/meta.json >"$doc/copyright"
gzip -9n <packaging/debian/changelog >"$doc/changelog.gz"
gzip -9n <README.md >"$doc/README.md.gz"
install -m 644 packaging/sysctl.d/60-tsvnc-reserved-ports.conf "$doc/examples/"

install -m 755 packaging/debian/postinst packaging/debian/prerm packaging/debian/postrm "$pkg/DEBIAN/"
installed_size=$(du -sk --exclude=DEBIAN "$pkg" | cut -f1)
cat >"$pkg/DEBIAN/control" <<EOF
Package: tsvnc
Version: $version
Architecture: all
Maintainer: $maintainer
Installed-Size: $installed_size
Depends: nodejs (>= 20.19), tigervnc-standalone-server, tigervnc-tools, xauth
Section: x11
Priority: optional
Description: VNC session manager that replaces TigerVNC's vncserver
 tsvnc starts, lists and stops TigerVNC desktops: "tsvnc start" instead of
 "vncserver", "tsvnc list", "tsvnc kill :1". A daemon per user, or one for
 the whole machine under systemd, starts the Xtigervnc servers, restarts
 those that crash, and keeps them across its own restarts.
 .
 Where a display cannot be used, tsvnc says what holds it (lock file, TCP
 port, X11 socket, abstract socket) with the process and the command that
 fixes it. The package also offers /usr/bin/tsvnc as an alternative for
 vncserver, below TigerVNC's priority.
EOF
(cd "$pkg" && find . -path ./DEBIAN -prune -o -type f -printf '%P\0' | sort -z | xargs -0 md5sum) >"$pkg/DEBIAN/md5sums"
chmod 644 "$pkg/DEBIAN/control" "$pkg/DEBIAN/md5sums"
find "$pkg" -newermt "@$SOURCE_DATE_EPOCH" -exec touch --no-dereference --date="@$SOURCE_DATE_EPOCH" {} +

mkdir -p "$out"
deb=$out/tsvnc_${version}_all.deb
dpkg-deb --root-owner-group -Zxz --build "$pkg" "$deb" >/dev/null
echo "$deb"
