#!/bin/sh
# Refreshes the vendored front-end assets from the npm registry (see civicdesk/web/static/web/vendor/README.md).
set -eu
HTMX_VERSION=2.0.11
dest="$(cd "$(dirname "$0")/.." && pwd)/civicdesk/web/static/web/vendor"
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
cd "$work"
npm pack --silent "htmx.org@$HTMX_VERSION" >/dev/null
tar xzf htmx.org-$HTMX_VERSION.tgz
cp package/dist/htmx.min.js "$dest/htmx.min.js"
cp package/LICENSE "$dest/htmx.LICENSE"
echo "htmx $HTMX_VERSION -> $dest"
