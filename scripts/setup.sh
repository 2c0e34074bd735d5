#!/usr/bin/env bash
# Install what CRM Suite needs and nothing else: system packages, PostgreSQL role, Odoo 18.0
# source, the virtualenv. Idempotent. demo.sh and test.sh call the same steps.
#   scripts/setup.sh --no-browser     without Chromium, wkhtmltopdf, the CJK fonts and rtlcss
#   scripts/setup.sh --no-postgres    without PostgreSQL (lint and engines need none)
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
setup_all "$@"
log "Ready: Odoo source $ODOO_SRC_DIR, virtualenv $VENV"
