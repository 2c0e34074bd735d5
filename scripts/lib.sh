# shellcheck shell=bash
# Shared setup for scripts/demo.sh, scripts/test.sh and friends. Sourced, not run.
#
# Every step checks before it acts, so a second run repeats no setup work.
#
# Settings (environment variables, all optional):
#   ODOO_SRC          an Odoo 18.0 source tree (holds odoo/release.py); wins over the cache
#   CRM_SUITE_CACHE   where the Odoo source and the virtualenv are kept
#                     (default: ${XDG_CACHE_HOME:-$HOME/.cache}/crm-suite)
#   ODOO_NIGHTLY_URL  the archive downloaded when no source is found (Odoo's official 18.0 nightly)
#   CRM_SUITE_PYTHON  the Python interpreter for the virtualenv (default: python3.11, else python3)

# Stop at the first failing command in the scripts that source this file. An interactive shell
# that sources it by hand (README: the `odoo` function, the .pot export) keeps its own options:
# `set -e` there would close the terminal at the first command that fails.
case $- in
    *i*) ;;
    *) set -euo pipefail ;;
esac

REPO_ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
# CI and service managers may start us without HOME: take it from the password database.
HOME="${HOME:-$(getent passwd "$(id -u)" | cut -d: -f6)}"
export HOME
CACHE_DIR="${CRM_SUITE_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/crm-suite}"
ODOO_CACHE_SRC="$CACHE_DIR/odoo-18.0"
ODOO_NIGHTLY_URL="${ODOO_NIGHTLY_URL:-https://nightly.odoo.com/18.0/nightly/src/odoo_18.0.latest.tar.gz}"
LOCAL_DIR="$REPO_ROOT/.local"
ODOO_LINK="$LOCAL_DIR/odoo"

log() { printf '\033[1;34m[crm-suite]\033[0m %s\n' "$*" >&2; }
die() {
    printf '\033[1;31m[crm-suite] ERROR:\033[0m %s\n' "$*" >&2
    exit 2
}

as_root() {
    if [ "$(id -u)" -eq 0 ]; then
        "$@"
    elif command -v sudo >/dev/null 2>&1; then
        sudo "$@"
    else
        die "'$*' needs root and sudo is not installed. Run it as root, then run this command again."
    fi
}

# --- System packages -------------------------------------------------------------------------
# Debian/Ubuntu packages: the build headers of Odoo's pinned requirements and Node.js for
# prettier (lint), always; PostgreSQL for a database; for what runs Odoo's pages (the addons
# and compat stages, the demo), not for a lint or pytest run: Chromium for the browser tours,
# wkhtmltopdf for PDF reports, system fonts with real glyph text for the PDF reports (Latin,
# Arabic, CJK; VL Gothic because Noto CJK kanji come out of pdftotext as Kangxi radicals;
# Debian's wkhtmltopdf draws web fonts as outlines) and poppler-utils (pdftotext) to check
# the PDFs' text.
APT_BASE_PACKAGES=(
    python3-venv python3-dev build-essential
    libpq-dev libldap2-dev libsasl2-dev libxml2-dev libxslt1-dev libjpeg-dev zlib1g-dev
    nodejs npm curl ca-certificates git
)
APT_POSTGRES_PACKAGES=(postgresql postgresql-contrib)
APT_BROWSER_PACKAGES=(
    chromium wkhtmltopdf fonts-noto-cjk fonts-noto-core fonts-vlgothic poppler-utils
)

# ensure_system_packages [--no-postgres] [--no-browser]
ensure_system_packages() {
    local missing=() pkg
    local packages=("${APT_BASE_PACKAGES[@]}")
    case " $* " in *" --no-postgres "*) ;; *) packages+=("${APT_POSTGRES_PACKAGES[@]}") ;; esac
    case " $* " in *" --no-browser "*) ;; *) packages+=("${APT_BROWSER_PACKAGES[@]}") ;; esac
    if ! command -v dpkg-query >/dev/null 2>&1; then
        log "Not a Debian/Ubuntu system: install by hand ${packages[*]} (or their equivalents)."
        return 0
    fi
    for pkg in "${packages[@]}"; do
        if ! dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null | grep -q "install ok installed"; then
            missing+=("$pkg")
        fi
    done
    # Programs that may come from elsewhere (Ubuntu's chromium snap, NodeSource's nodejs with
    # its own npm): a binary already on the PATH is enough.
    local wanted=()
    for pkg in "${missing[@]}"; do
        case "$pkg" in
            chromium) command -v chromium >/dev/null 2>&1 || command -v chromium-browser >/dev/null 2>&1 && continue ;;
            nodejs) command -v node >/dev/null 2>&1 && continue ;;
            npm) command -v npm >/dev/null 2>&1 && continue ;;
        esac
        wanted+=("$pkg")
    done
    [ ${#wanted[@]} -eq 0 ] && return 0
    log "Installing system packages: ${wanted[*]}"
    as_root env DEBIAN_FRONTEND=noninteractive apt-get update -qq
    as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${wanted[@]}" >/dev/null
}

# --- rtlcss ----------------------------------------------------------------------------------
# Odoo lays right-to-left languages (Arabic, Hebrew, Persian) out by running the `rtlcss` command
# on their stylesheets (odoo/addons/base/models/assetsbundle.py): the command must be on the
# server's PATH, a node_modules copy is not looked for. Without it Arabic renders left to right.
RTLCSS_PACKAGE="rtlcss@4"

npm_global_bin() {
    local prefix
    prefix="$(npm prefix -g 2>/dev/null)" || return 1
    echo "$prefix/bin"
}

ensure_rtlcss() {
    local bin=""
    command -v npm >/dev/null 2>&1 && bin="$(npm_global_bin || true)"
    if ! command -v rtlcss >/dev/null 2>&1 && ! [ -x "$bin/rtlcss" ]; then
        command -v npm >/dev/null 2>&1 ||
            die "rtlcss (right-to-left stylesheets) is installed with npm, and npm is missing: install Node.js and npm, then run this command again."
        log "Installing rtlcss with npm (Odoo flips stylesheets for right-to-left languages with it)."
        local prefix="${bin%/bin}"
        if [ -w "$prefix" ] && { [ ! -e "$prefix/lib" ] || [ -w "$prefix/lib" ]; }; then
            npm install -g --no-audit --no-fund --loglevel=error "$RTLCSS_PACKAGE" >/dev/null
        else
            as_root npm install -g --no-audit --no-fund --loglevel=error "$RTLCSS_PACKAGE" >/dev/null
        fi
    fi
    # A global npm prefix outside the PATH (a user prefix, nvm): the servers these scripts start
    # find the command all the same. An Odoo started by other means needs it on its own PATH.
    if ! command -v rtlcss >/dev/null 2>&1 && [ -x "$bin/rtlcss" ]; then
        export PATH="$bin:$PATH"
        log "rtlcss is in $bin, which is not on your PATH: add it there for an Odoo you start yourself."
    fi
    command -v rtlcss >/dev/null 2>&1 || die "rtlcss is still not on the PATH after 'npm install -g $RTLCSS_PACKAGE'."
}

# Stylesheet bundles are kept as attachments (/web/assets/...). A right-to-left one built while
# rtlcss was missing is a left-to-right copy, and Odoo would serve it until the bundle's files
# change: remove those of database $1 built before rtlcss was installed (Odoo builds them again
# on the next page). The date of the `rtlcss` link on the PATH is when npm installed it.
refresh_rtl_bundles() {
    local db="$1" since stale
    since="$(stat -c %Y "$(command -v rtlcss)")"
    stale="$(psql -d "$db" -Atqc "SELECT count(*) FROM ir_attachment
        WHERE url LIKE '/web/assets/%.rtl.%' AND res_model = 'ir.ui.view' AND public
          AND create_date < to_timestamp($since) AT TIME ZONE 'UTC'" 2>/dev/null || echo 0)"
    [ "${stale:-0}" = "0" ] && return 0
    log "Removing $stale right-to-left stylesheet bundles of $db built before rtlcss was installed."
    (cd "$REPO_ROOT" && "$VENV/bin/python" -m odoo shell -c "$REPO_ROOT/odoo.conf" -d "$db" \
        --no-http --log-level warn >/dev/null) <<PY
import datetime
since = datetime.datetime.fromtimestamp($since, datetime.timezone.utc).replace(tzinfo=None)
env["ir.attachment"].search([
    ("url", "=like", "/web/assets/%.rtl.%"), ("res_model", "=", "ir.ui.view"),
    ("public", "=", True), ("create_date", "<", since),
]).unlink()
env.registry.clear_cache("assets")
env.cr.commit()
PY
}

# --- PostgreSQL ------------------------------------------------------------------------------
ensure_postgres() {
    if ! pg_isready -q 2>/dev/null; then
        log "PostgreSQL is not running: starting it."
        if command -v pg_ctlcluster >/dev/null 2>&1; then
            local version
            for version in $(ls /etc/postgresql 2>/dev/null); do
                as_root pg_ctlcluster --skip-systemctl-redirect "$version" main start || true
            done
        elif command -v service >/dev/null 2>&1; then
            as_root service postgresql start || true
        fi
        local i
        for i in $(seq 1 30); do
            pg_isready -q 2>/dev/null && break
            sleep 1
        done
        pg_isready -q 2>/dev/null || die "PostgreSQL did not start. Start it (e.g. 'sudo service postgresql start') and run this command again."
    fi
    local role
    role="$(id -un)"
    [ "$role" = "postgres" ] && die "Odoo refuses to connect as the 'postgres' role: run this as another user."
    if ! psql -d postgres -Atqc 'SELECT 1' >/dev/null 2>&1; then
        log "Creating the PostgreSQL role '$role' (Odoo connects as the current user over the socket)."
        as_root su postgres -c "createuser --createdb '$role'" ||
            die "Could not create the PostgreSQL role '$role'. Create it by hand: sudo -u postgres createuser --createdb $role"
    fi
}

# --- Odoo source -----------------------------------------------------------------------------
is_odoo_tree() { [ -f "$1/odoo/release.py" ] && grep -q "version_info = (18, 0" "$1/odoo/release.py"; }

resolve_odoo_src() {
    local src=""
    if [ -n "${ODOO_SRC:-}" ]; then
        is_odoo_tree "$ODOO_SRC" || die "ODOO_SRC=$ODOO_SRC is not an Odoo 18.0 source tree (no odoo/release.py of 18.0 in it)."
        src="$ODOO_SRC"
    elif is_odoo_tree "$ODOO_CACHE_SRC"; then
        src="$ODOO_CACHE_SRC"
    else
        log "No Odoo 18.0 source found: downloading the official nightly ($ODOO_NIGHTLY_URL)."
        mkdir -p "$CACHE_DIR"
        local tmp="$CACHE_DIR/odoo-download.$$"
        rm -rf "$tmp" && mkdir -p "$tmp"
        if curl -fsSL --connect-timeout 20 --retry 2 -o "$tmp/odoo.tar.gz" "$ODOO_NIGHTLY_URL" &&
            tar -xzf "$tmp/odoo.tar.gz" -C "$tmp" --strip-components=1 --exclude='*/debian' --exclude='*/doc'; then
            rm -f "$tmp/odoo.tar.gz"
            rm -rf "$ODOO_CACHE_SRC" && mv "$tmp" "$ODOO_CACHE_SRC"
            src="$ODOO_CACHE_SRC"
        else
            rm -rf "$tmp"
            die "Odoo 18.0's source is needed and could not be downloaded. Do one of:
  - point ODOO_SRC at an Odoo 18.0 source tree:  ODOO_SRC=/path/to/odoo-18.0 $0
  - or unpack one into the cache directory:      $ODOO_CACHE_SRC
    (it must hold setup.py, requirements.txt and odoo/, e.g. from odoo_18.0.latest.tar.gz,
     or 'git clone --depth 1 -b 18.0 https://github.com/odoo/odoo $ODOO_CACHE_SRC')"
        fi
    fi
    ODOO_SRC_DIR="$(cd "$src" && pwd)"
    mkdir -p "$LOCAL_DIR"
    if [ "$(readlink "$ODOO_LINK" 2>/dev/null)" != "$ODOO_SRC_DIR" ]; then
        ln -sfn "$ODOO_SRC_DIR" "$ODOO_LINK"
    fi
    export ODOO_SRC_DIR
}

# --- Python virtualenv -----------------------------------------------------------------------
pick_python() {
    if [ -n "${CRM_SUITE_PYTHON:-}" ]; then
        echo "$CRM_SUITE_PYTHON"
    elif command -v python3.11 >/dev/null 2>&1; then
        echo python3.11
    else
        echo python3
    fi
}

ensure_venv() {
    local py pyver
    py="$(pick_python)"
    pyver="$("$py" -c 'import sys; print("%d.%d" % sys.version_info[:2])')"
    case "$pyver" in
        3.10 | 3.11 | 3.12) ;;
        *) die "Odoo 18.0 needs Python 3.10 to 3.12 (found $pyver at $py). Set CRM_SUITE_PYTHON to one." ;;
    esac
    VENV="$CACHE_DIR/venv-py$pyver"
    local stamp="$VENV/.crm-suite-stamp" want
    want="$(cat "$ODOO_SRC_DIR/requirements.txt" "$REPO_ROOT/requirements.txt" | sha256sum | cut -c1-16) $ODOO_SRC_DIR"
    if [ ! -x "$VENV/bin/python" ]; then
        log "Creating the virtualenv $VENV"
        mkdir -p "$CACHE_DIR"
        "$py" -m venv "$VENV"
    fi
    if [ "$(cat "$stamp" 2>/dev/null)" != "$want" ]; then
        log "Installing Odoo's and our Python requirements into $VENV (once)."
        local constraint="$CACHE_DIR/build-constraints.txt"
        # cbor2 and others build with pkg_resources, gone from setuptools 70 on.
        echo 'setuptools<70' >"$constraint"
        export PIP_BUILD_CONSTRAINT="$constraint" PIP_DISABLE_PIP_VERSION_CHECK=1
        "$VENV/bin/python" -m pip install -q --upgrade pip wheel
        "$VENV/bin/python" -m pip install -q -r "$ODOO_SRC_DIR/requirements.txt" -r "$REPO_ROOT/requirements.txt"
        # Odoo is used from its source tree, not installed: a .pth file puts it on the path.
        "$VENV/bin/python" - "$ODOO_SRC_DIR" <<'PY'
import pathlib, sys, sysconfig
pathlib.Path(sysconfig.get_paths()["purelib"], "odoo-src.pth").write_text(sys.argv[1] + "\n")
PY
        echo "$want" >"$stamp"
    fi
    export VENV PATH="$VENV/bin:$PATH"
}

odoo() {
    # Odoo with the project's configuration, from the repository root (odoo.conf paths are relative).
    (cd "$REPO_ROOT" && "$VENV/bin/python" -m odoo -c "$REPO_ROOT/odoo.conf" "$@")
}

# --- Demo database ----------------------------------------------------------------------------
DEMO_ADDONS="crm_suite,crm_analytics,crm_collab"

demo_db_installed() {
    [ "$(psql -d "$1" -Atqc "SELECT count(*) FROM ir_module_module
        WHERE name IN ('crm_suite', 'crm_analytics', 'crm_collab') AND state = 'installed'" 2>/dev/null)" = "3" ]
}

# The database $1 with the three addons and their demo data (created the first time; $2: the
# HTTP port Odoo may bind while installing), its right-to-left bundles rebuilt if stale.
ensure_demo_db() {
    local db="$1" port="${2:-8069}"
    if ! demo_db_installed "$db"; then
        log "Creating the demo database $db with $DEMO_ADDONS and demo data (a few minutes, once)."
        odoo -d "$db" -i "$DEMO_ADDONS" --stop-after-init --http-port "$port" --log-level warn
        demo_db_installed "$db" || die "The addons did not install in $db: see the messages above."
    fi
    refresh_rtl_bundles "$db"
}

# setup_all [--no-postgres] [--no-browser]: everything by default. --no-postgres leaves out
# PostgreSQL (its packages, the server, the role); --no-browser leaves out Chromium,
# wkhtmltopdf, the CJK fonts and rtlcss (scripts/test.sh passes them for a lint-only or
# pytest-only run).
setup_all() {
    local arg postgres=1 browser=1
    for arg in "$@"; do
        case "$arg" in
            --no-postgres) postgres=0 ;;
            --no-browser) browser=0 ;;
            *) die "setup_all: unknown option $arg (--no-postgres, --no-browser)" ;;
        esac
    done
    ensure_system_packages "$@"
    if [ "$postgres" = 1 ]; then ensure_postgres; fi
    resolve_odoo_src
    ensure_venv
    if [ "$browser" = 1 ]; then ensure_rtlcss; fi
    mkdir -p "$LOCAL_DIR/data" "$LOCAL_DIR/logs"
}
