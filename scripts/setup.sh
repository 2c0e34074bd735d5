#!/usr/bin/env bash
# Install what CRM Suite needs and nothing else: system packages, PostgreSQL role, Odoo 18.0
# source, the virtualenv. Idempotent. demo.sh and test.sh call the same steps.
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
setup_all
log "Ready: Odoo source $ODOO_SRC_DIR, virtualenv $VENV"
