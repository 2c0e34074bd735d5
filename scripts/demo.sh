#!/usr/bin/env bash
# Run the product: set up whatever is missing, create the demo database with the three
# addons and their demo data (once), and serve it on http://localhost:8069.
#
#   scripts/demo.sh                  serve the demo database (creating it the first time)
#   scripts/demo.sh --reset          drop the demo database and create it anew
#   CRM_SUITE_DEMO_DB=name scripts/demo.sh     another database name (default: crm_suite_demo)
#   CRM_SUITE_HTTP_PORT=8080 scripts/demo.sh   another port (default: 8069, from odoo.conf)
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

DB="${CRM_SUITE_DEMO_DB:-crm_suite_demo}"
PORT="${CRM_SUITE_HTTP_PORT:-8069}"

setup_all

if [ "${1:-}" = "--reset" ]; then
    log "Dropping the demo database $DB"
    dropdb --if-exists --force "$DB"
    rm -rf "$LOCAL_DIR/data/filestore/$DB"
fi

ensure_demo_db "$DB" "$PORT"

cat <<MSG

  CRM Suite demo is starting on   http://localhost:$PORT/odoo?db=$DB
  Log in as                       admin / admin
  (also: sofia / sofia, salesperson; marc / marc, analyst; cora / cora, collaborator)
  Stop it with Ctrl+C.

MSG
# exec: Ctrl+C and service managers signal Odoo itself.
cd "$REPO_ROOT"
exec "$VENV/bin/python" -m odoo -c "$REPO_ROOT/odoo.conf" -d "$DB" --db-filter "^${DB}\$" --http-port "$PORT"
