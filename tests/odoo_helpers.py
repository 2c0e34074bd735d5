# Copyright 2026 CRM Suite
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""Drive a real Odoo from the top-level tests: databases, ``odoo shell`` scripts, a
server on a free port, and a JSON-RPC client. Nothing here is mocked: it is Odoo,
PostgreSQL and HTTP as a user or an integrator meets them."""

import json
import os
import socket
import subprocess
import sys
import time
from contextlib import contextmanager
from pathlib import Path

import requests

REPO = Path(__file__).resolve().parent.parent
CONF = REPO / "odoo.conf"
LOGS = REPO / ".local" / "logs"
FILESTORE = REPO / ".local" / "data" / "filestore"
OUR_ADDONS = ["crm_suite", "crm_analytics", "crm_collab"]
RESULT_MARK = "@@RESULT@@"


def odoo_command(*args, command=None):
    """``python -m odoo [command] -c odoo.conf args...`` (the command comes first)."""
    return [
        sys.executable,
        "-m",
        "odoo",
        *([command] if command else []),
        "-c",
        str(CONF),
        *args,
    ]


def run_odoo(*args, log_name, timeout=1200):
    """Run Odoo to completion; fail with the end of its log when it does not exit 0."""
    LOGS.mkdir(parents=True, exist_ok=True)
    log_path = LOGS / log_name
    with open(log_path, "w") as log:
        proc = subprocess.run(
            odoo_command(*args),
            cwd=REPO,
            stdout=log,
            stderr=subprocess.STDOUT,
            timeout=timeout,
            check=False,
        )
    text = log_path.read_text(errors="replace")
    assert (
        proc.returncode == 0
    ), f"odoo {' '.join(args)} exited {proc.returncode}:\n{text[-5000:]}"
    errors = [ln for ln in text.splitlines() if " ERROR " in ln or " CRITICAL " in ln]
    assert not errors, "Odoo logged errors:\n" + "\n".join(errors[:20])
    return text


def odoo_shell(db, script, log_name, timeout=900, expect_rc=0):
    """Run ``script`` in ``odoo shell`` on ``db``.

    The script may call ``result(obj)`` once to hand back a JSON value, which this
    returns. It commits what it wants to keep. A script meant to kill its process
    gives the exit code it expects (``expect_rc``): what it handed back before dying
    is returned all the same."""
    prelude = (
        f"import sys; sys.path.insert(0, {str(Path(__file__).parent)!r})\n"
        "import json as _json\n"
        "def result(obj):\n"
        f"    print({RESULT_MARK!r} + _json.dumps(obj, default=str), flush=True)\n"
    )
    LOGS.mkdir(parents=True, exist_ok=True)
    proc = subprocess.run(
        odoo_command("-d", db, "--no-http", "--log-level", "warn", command="shell"),
        cwd=REPO,
        input=prelude + script,
        capture_output=True,
        text=True,
        timeout=timeout,
        check=False,
    )
    (LOGS / log_name).write_text(proc.stdout + "\n--- stderr ---\n" + proc.stderr)
    assert proc.returncode == expect_rc, (
        f"odoo shell exited {proc.returncode}, expected {expect_rc}:\n"
        f"{proc.stderr[-5000:]}"
    )
    if expect_rc == 0:
        assert (
            "Traceback" not in proc.stderr
        ), f"odoo shell raised:\n{proc.stderr[-5000:]}"
    for line in proc.stdout.splitlines():
        if line.startswith(RESULT_MARK):
            return json.loads(line[len(RESULT_MARK) :])
    return None


def drop_db(db):
    """Drop ``db`` (closing its connections) and its filestore, if they exist."""
    subprocess.run(
        ["dropdb", "--if-exists", "--force", db], check=False, capture_output=True
    )
    filestore = FILESTORE / db
    if filestore.exists():
        subprocess.run(["rm", "-rf", str(filestore)], check=False)


def build_db(db, modules="crm_suite", demo=False, log_name=None):
    """A fresh database ``db`` (dropped first) with ``modules`` installed, without
    demo data unless ``demo``; returns its name."""
    drop_db(db)
    run_odoo(
        "-d",
        db,
        "-i",
        modules,
        *([] if demo else ["--without-demo", "all"]),
        "--stop-after-init",
        "--no-http",
        log_name=log_name or f"pytest_{db}.log",
    )
    return db


def db_name_for(name):
    """The name of a database the top-level tests build: ``crm_suite_<name>_<pid>``,
    so that two runs at once never share one."""
    return f"crm_suite_{name}_{os.getpid()}"


def db_exists(db):
    out = subprocess.run(
        [
            "psql",
            "-d",
            "postgres",
            "-Atqc",
            "SELECT 1 FROM pg_database WHERE datname = %s" % _q(db),
        ],
        capture_output=True,
        text=True,
        check=False,
    )
    return out.stdout.strip() == "1"


def _q(text):
    return "'" + text.replace("'", "''") + "'"


def free_port():
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@contextmanager
def odoo_server(db, log_name, startup_timeout=180, workers=0):
    """Serve ``db`` on a free port; yield its base URL; stop it afterwards.

    ``workers`` > 0 starts Odoo's multi-process server (that many HTTP worker
    processes), as production runs it."""
    port = free_port()
    extra = (
        ["--workers", str(workers), "--gevent-port", str(free_port())]
        if workers
        else []
    )
    LOGS.mkdir(parents=True, exist_ok=True)
    log = open(LOGS / log_name, "w")  # noqa: SIM115 (closed below)
    proc = subprocess.Popen(
        odoo_command(
            "-d",
            db,
            "--db-filter",
            f"^{db}$",
            "--http-port",
            str(port),
            "--http-interface",
            "127.0.0.1",
            "--max-cron-threads",
            "0",
            *extra,
        ),
        cwd=REPO,
        stdout=log,
        stderr=subprocess.STDOUT,
    )
    base = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + startup_timeout
        while True:
            assert proc.poll() is None, f"the server stopped at start: see {log.name}"
            assert (
                time.monotonic() < deadline
            ), f"the server did not answer in {startup_timeout}s: see {log.name}"
            try:
                if requests.get(f"{base}/web/health", timeout=30).status_code == 200:
                    break
            except (requests.ConnectionError, requests.Timeout):
                # not listening yet, or still loading its registry on a busy machine
                time.sleep(0.5)
                continue
            time.sleep(0.5)
        yield base
    finally:
        proc.terminate()
        try:
            proc.wait(timeout=30)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()
        log.close()


class JsonRpc:
    """A JSON-RPC client as an integrator writes one: ``requests`` and a cookie."""

    def __init__(self, base, db):
        self.base = base
        self.db = db
        self.session = requests.Session()
        self.uid = None
        self._id = 0

    def _post(self, path, params):
        self._id += 1
        response = self.session.post(
            f"{self.base}{path}",
            json={"jsonrpc": "2.0", "method": "call", "params": params, "id": self._id},
            timeout=120,
        )
        response.raise_for_status()
        body = response.json()
        if "error" in body:
            raise RpcError(body["error"])
        return body["result"]

    def login(self, login, password):
        info = self._post(
            "/web/session/authenticate",
            {"db": self.db, "login": login, "password": password},
        )
        self.uid = info["uid"]
        return info

    def call(self, model, method, *args, **kwargs):
        return self._post(
            f"/web/dataset/call_kw/{model}/{method}",
            {"model": model, "method": method, "args": list(args), "kwargs": kwargs},
        )


class RpcError(Exception):
    def __init__(self, error):
        self.error = error
        data = error.get("data") or {}
        super().__init__(data.get("message") or error.get("message"))
        self.name = data.get("name", "")


def installed_states(db):
    out = subprocess.run(
        [
            "psql",
            "-d",
            db,
            "-Atqc",
            "SELECT name || '=' || state FROM ir_module_module WHERE name IN (%s)"
            % ",".join(_q(a) for a in OUR_ADDONS),
        ],
        capture_output=True,
        text=True,
        check=False,
    )
    return dict(line.split("=") for line in out.stdout.split())


def env_flag(name):
    return os.environ.get(name, "").strip()
