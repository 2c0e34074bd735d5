#!/usr/bin/env bash
# Run a benchmark of bench/ on its own database (created once, without demo data).
#   scripts/bench.sh lead_scoring [--rebuild]
#   CRM_SUITE_BENCH_DB=name scripts/bench.sh lead_scoring
#   scripts/bench.sh profitability   (installs crm_analytics on the database first)
#   scripts/bench.sh timeline        (installs crm_collab on the database first)
#   scripts/bench.sh rfm             (RFM scoring; the same books and database)
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

name="${1:-}"
[ -n "$name" ] && [ -f "$REPO_ROOT/bench/bench_$name.py" ] ||
    die "usage: scripts/bench.sh NAME [options]; NAME is one of: $(cd "$REPO_ROOT/bench" && ls bench_*.py | sed 's/^bench_//; s/\.py$//' | tr '\n' ' ')"
shift
DB="${CRM_SUITE_BENCH_DB:-crm_suite_bench}"
# the addon a benchmark needs on the database (crm_suite unless said here)
case "$name" in
    profitability | forecast | rfm) module=crm_analytics ;;
    documents | timeline | consent) module=crm_collab ;;
    *) module=crm_suite ;;
esac
setup_all

installed=$(psql -d "$DB" -Atqc "SELECT count(*) FROM ir_module_module
    WHERE name = 'crm_suite' AND state = 'installed'" 2>/dev/null || echo 0)
if [ "$installed" != "1" ]; then
    log "Creating the benchmark database $DB ($module, no demo data)"
    dropdb --if-exists --force "$DB"
    odoo -d "$DB" -i "$module" --without-demo=all --stop-after-init --log-level warn
fi
has_module=$(psql -d "$DB" -Atqc "SELECT count(*) FROM ir_module_module
    WHERE name = '$module' AND state = 'installed'")
if [ "$has_module" != "1" ]; then
    log "Installing $module on the benchmark database $DB"
    odoo -d "$DB" -i "$module" --without-demo=all --stop-after-init --log-level warn
fi
cd "$REPO_ROOT"
exec "$VENV/bin/python" "bench/bench_$name.py" --db "$DB" "$@"
