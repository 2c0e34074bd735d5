#!/usr/bin/env bash
# Screenshots of the main screens, in English, French and Arabic, as administrator,
# salesperson, agent and portal customer, taken with the headless Chromium the
# browser tours use, so a reviewer sees the product without installing it. The pictures go to
# .local/screenshots/ (never committed).
#
#   scripts/screenshots.sh                 copy the demo database (creating it the first time),
#                                          serve the copy on a free port, take the pictures
#   CRM_SUITE_DEMO_DB=name scripts/screenshots.sh    another demo database (default: crm_suite_demo)
#
# The pictures are taken on a copy, crm_suite_screens (made anew each run): the helper installs
# French and Arabic there and switches the users' language, which the demo database is spared. A demo server
# running on the demo database is fine (the copy then comes from a fresh install instead).
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

DEMO_DB="${CRM_SUITE_DEMO_DB:-crm_suite_demo}"
DB="crm_suite_screens"
OUT="$LOCAL_DIR/screenshots"

setup_all

PORT="$("$VENV/bin/python" -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')"

dropdb --if-exists --force "$DB"
rm -rf "$LOCAL_DIR/data/filestore/$DB"
if demo_db_installed "$DEMO_DB" && createdb -T "$DEMO_DB" "$DB" 2>/dev/null; then
    log "Copied the demo database $DEMO_DB to $DB."
    if [ -d "$LOCAL_DIR/data/filestore/$DEMO_DB" ]; then
        mkdir -p "$LOCAL_DIR/data/filestore"
        cp -a "$LOCAL_DIR/data/filestore/$DEMO_DB" "$LOCAL_DIR/data/filestore/$DB"
    fi
    refresh_rtl_bundles "$DB"
else
    # no demo database yet, or one in use (a copy needs it idle): install the same anew
    ensure_demo_db "$DB" "$PORT"
fi

log "Installing French and Arabic in $DB."
# as Settings > Languages does it (--load-language would only translate base's records: it runs
# before the other modules are loaded)
(cd "$REPO_ROOT" && "$VENV/bin/python" -m odoo shell -c "$REPO_ROOT/odoo.conf" -d "$DB" \
    --no-http --log-level warn >/dev/null) <<'PY'
lang = env["res.lang"].with_context(active_test=False).search([("code", "in", ("fr_FR", "ar_001"))])
env["base.language.install"].create({"lang_ids": [(6, 0, lang.ids)]}).lang_install()
env.cr.commit()
PY

rm -rf "$OUT" && mkdir -p "$OUT"
log "Serving $DB on port $PORT for the pictures."
(cd "$REPO_ROOT" && exec "$VENV/bin/python" -m odoo -c "$REPO_ROOT/odoo.conf" -d "$DB" \
    --db-filter "^${DB}\$" --http-port "$PORT" --max-cron-threads 0 --log-level warn \
    >"$LOCAL_DIR/logs/screenshots-server.log" 2>&1) &
SERVER=$!
trap 'kill "$SERVER" 2>/dev/null; wait "$SERVER" 2>/dev/null' EXIT

"$VENV/bin/python" "$REPO_ROOT/scripts/screenshots.py" \
    --url "http://127.0.0.1:$PORT" --db "$DB" --out "$OUT"
log "Screenshots in $OUT (server log: .local/logs/screenshots-server.log)"
