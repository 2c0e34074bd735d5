#!/usr/bin/env bash
# Run every check: lint, our addons' Odoo tests on a fresh database (tours in headless
# Chromium), the top-level tests/, and Odoo's own crm/mass_mailing/portal tests with our
# addons loaded. Sets up whatever is missing first. Prints "N passed, N failed" last and
# exits non-zero on any failure.
#
#   scripts/test.sh                    everything
#   scripts/test.sh --skip compat      leave a stage out (lint, engines, addons, pytest, compat)
#   scripts/test.sh --keep-db          keep the test database (crm_suite_test) afterwards
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
setup_all
cd "$REPO_ROOT"
exec "$VENV/bin/python" scripts/run_tests.py "$@"
