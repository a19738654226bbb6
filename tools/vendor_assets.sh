#!/bin/sh
# Refreshes the vendored front-end assets from the npm registry (see civicdesk/web/static/web/vendor/README.md).
set -eu
HTMX_VERSION=2.0.11
ECHARTS_VERSION=6.1.0
LEAFLET_VERSION=1.9.4
dest="$(cd "$(dirname "$0")/.." && pwd)/civicdesk/web/static/web/vendor"
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
cd "$work"

fetch() {  # fetch <package> <version>: unpacks the registry's tarball into ./<package>/
  npm pack --silent "$1@$2" >/dev/null
  mkdir -p "$1" && tar xzf "$1-$2.tgz" -C "$1" --strip-components=1
}

fetch htmx.org "$HTMX_VERSION"
cp htmx.org/dist/htmx.min.js "$dest/htmx.min.js"
cp htmx.org/LICENSE "$dest/htmx.LICENSE"
echo "htmx $HTMX_VERSION -> $dest"

fetch echarts "$ECHARTS_VERSION"
cp echarts/dist/echarts.min.js "$dest/echarts.min.js"
cp echarts/LICENSE "$dest/echarts.LICENSE"
cp echarts/NOTICE "$dest/echarts.NOTICE"
echo "echarts $ECHARTS_VERSION -> $dest"

fetch leaflet "$LEAFLET_VERSION"
mkdir -p "$dest/leaflet/images"
cp leaflet/dist/leaflet.js leaflet/dist/leaflet.css "$dest/leaflet/"
cp leaflet/dist/images/*.png "$dest/leaflet/images/"
cp leaflet/LICENSE "$dest/leaflet/LICENSE"
echo "leaflet $LEAFLET_VERSION -> $dest/leaflet"
