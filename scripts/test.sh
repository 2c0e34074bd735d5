#!/usr/bin/env bash
# Run every check: lint, our addons' Odoo tests on a fresh database (tours in headless
# Chromium), the top-level tests/, and Odoo's own crm/mass_mailing/portal tests with our
# addons loaded. Sets up whatever is missing first. Prints "N passed, N failed" last and
# exits non-zero on any failure.
#
#   scripts/test.sh                    everything
#   scripts/test.sh --skip compat      leave a stage out (lint, engines, addons, pytest, compat)
#   scripts/test.sh --keep-db          keep the test database (crm_suite_test) afterwards
#
# A run that skips the addons and compat stages (lint, engines, pytest only) installs no
# browser, PDF tool or rtlcss; one that needs no database (lint, engines) no PostgreSQL.
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

# The stages that run: all of run_tests.py's but those given with --skip.
declare -A runs=([lint]=1 [engines]=1 [addons]=1 [pytest]=1 [compat]=1)
args=("$@")
for ((i = 0; i < ${#args[@]}; i++)); do
    case "${args[i]}" in
        --skip) unset "runs[${args[i + 1]:-none}]" ;;
        --skip=*) stage="${args[i]#--skip=}" && unset "runs[${stage:-none}]" ;;
    esac
done
setup_options=()
[ -n "${runs[addons]:-}${runs[compat]:-}" ] || setup_options+=(--no-browser)
[ -n "${runs[addons]:-}${runs[pytest]:-}${runs[compat]:-}" ] || setup_options+=(--no-postgres)
setup_all "${setup_options[@]}"
cd "$REPO_ROOT"
exec "$VENV/bin/python" scripts/run_tests.py "$@"
