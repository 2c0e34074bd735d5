#!/usr/bin/env python3
# Copyright 2026 CRM Suite
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""Run every check of the project and print one closing line: ``N passed, N failed``.

Called by ``scripts/test.sh`` once the setup is done (virtualenv, Odoo source,
PostgreSQL).
Stages, in order:

1. lint: the blocking pre-commit hooks (ruff, ruff-format, pylint-odoo mandatory set,
   oca-checks-odoo-module, oca-checks-po, prettier, generic hooks), one result per hook;
2. engines: ``pytest tests/engines`` -- the addons' pure-Python engines (and their
   doctests) imported with Odoo made unimportable, no database;
3. addons: a fresh database, our three addons installed with their demo data, their Odoo
   tests run (at_install and post_install, tours in headless Chromium);
4. top-level: ``pytest tests/`` (end-to-end over JSON-RPC, install/uninstall lifecycle);
5. compat: Odoo's own ``crm``, ``mass_mailing`` and ``portal`` tests, run with our
   addons loaded; failures that stock Odoo has too (``tests/known_stock_failures.txt``)
   are reported but not counted against us.

Full logs are kept in ``.local/logs/``.
"""

import argparse
import os
import re
import subprocess
import sys
import time
from pathlib import Path

# the top-level tests' helpers: one definition of the paths, the Odoo command line,
# dropping a database and finding a free port
sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "tests"))
from odoo_helpers import (  # noqa: E402
    LOGS,
    REPO,
    drop_db,
    free_port,
    odoo_command,
)
from odoo_helpers import OUR_ADDONS as ADDONS  # noqa: E402

COMPAT_MODULES = ["crm", "mass_mailing", "portal"]

SUMMARY_RE = re.compile(
    r"(\d+) failed, (\d+) error\(s\) of (\d+) tests when loading database"
)
# "FAIL: Class.test", "FAIL: Subtest Class.test (...)",
# or "ERROR: setUpClass (odoo.addons.x.tests...)"
FAILED_TEST_RE = re.compile(
    r" (?:ERROR|CRITICAL) \S+ odoo\.addons\.(?P<module>\w+)\S*: (?:FAIL|ERROR): "
    r"(?:Subtest )?(?P<test>\w+\.\w+)"
    r"|: ERROR: (?P<hook>setUpClass|tearDownClass) "
    r"\(odoo\.addons\.(?P<hmodule>\w+)\.\S+\.(?P<hclass>\w+)\)"
)
LOG_ERROR_RE = re.compile(r"^\d{4}-\d\d-\d\d \d\d:\d\d:\d\d,\d+ \d+ (ERROR|CRITICAL) ")


class Tally:
    def __init__(self):
        self.passed = 0
        self.failed = 0
        self.skipped = 0
        self.problems = []
        self.notes = []

    def ok(self, count=1):
        self.passed += count

    def fail(self, what, count=1):
        self.failed += count
        self.problems.append(what)


def say(message):
    print(f"\033[1;34m[crm-suite]\033[0m {message}", flush=True)


def run_logged(cmd, log_path, env=None):
    """Run ``cmd`` with its output in ``log_path``; return (returncode, seconds)."""
    started = time.monotonic()
    with open(log_path, "w") as log:
        proc = subprocess.run(
            cmd, cwd=REPO, stdout=log, stderr=subprocess.STDOUT, env=env, check=False
        )
    return proc.returncode, time.monotonic() - started


def excerpt_errors(log_path, limit=120):
    """The ERROR/CRITICAL records of an Odoo log with their tracebacks."""
    lines = Path(log_path).read_text(errors="replace").splitlines()
    out, keep = [], False
    for line in lines:
        if LOG_ERROR_RE.match(line):
            keep = True
        elif re.match(r"^\d{4}-\d\d-\d\d ", line):
            keep = False
        if keep:
            out.append(line)
    return "\n".join(out[:limit])


TEST_START_RE = re.compile(r": Starting \w+\.\w+ \.\.\.")
TEST_REPORT_RE = re.compile(
    r"odoo\.tests\.|: (?:FAIL|ERROR): "
    r"|odoo\.modules\.loading: (?:Module \w+: \d+ failures|At least one test failed)"
)


def stray_errors(text):
    """Error records an Odoo run logged outside its tests: a broken install step, a
    failing cron, a view that does not validate. Errors inside a test (from its start
    to the next record about tests) and in a failing setUpClass are the tests' own: the
    test result counts them."""
    records = [ln for ln in text.splitlines() if re.match(r"^\d{4}-\d\d-\d\d ", ln)]
    stray, pending, in_test = [], [], False
    for line in records:
        if TEST_START_RE.search(line):
            in_test, pending = True, []
        elif " INFO " in line and (
            "odoo.modules.loading" in line or "post-tests" in line
        ):
            in_test = False
        if not LOG_ERROR_RE.match(line):
            continue
        if TEST_REPORT_RE.search(line):
            pending = []  # what came just before belongs to this failing test or class
        elif not in_test:
            pending.append(line)
            if len(pending) > 5:
                stray.append(pending.pop(0))
    return stray + pending


def odoo_test_stage(tally, label, args, log_name, known_failures=()):
    """Run Odoo with tests enabled; count its tests and errors logged outside them."""
    log_path = LOGS / log_name
    say(f"{label}: running (log: {log_path.relative_to(REPO)})")
    rc, seconds = run_logged(odoo_command(*args), log_path)
    text = log_path.read_text(errors="replace")
    summaries = SUMMARY_RE.findall(text)
    failed_tests = sorted(
        {
            f"{m['module']}:{m['test']}"
            if m["module"]
            else f"{m['hmodule']}:{m['hclass']}.{m['hook']}"
            for m in FAILED_TEST_RE.finditer(text)
        }
    )
    known = [t for t in failed_tests if t in known_failures]
    unknown = [t for t in failed_tests if t not in known_failures]
    if not summaries:
        tally.fail(f"{label}: Odoo stopped before running its tests (exit {rc})")
        print(excerpt_errors(log_path))
        return rc, seconds
    failed, errors, total = (int(x) for x in summaries[-1])
    if total == 0:
        tally.fail(f"{label}: Odoo ran no test (check --test-tags)")
    bad = failed + errors
    tally.ok(total - bad)
    if known:
        tally.notes.append(
            f"{label}: {len(known)} failure(s) that stock Odoo 18.0 has too: "
            + ", ".join(known)
        )
        tally.skipped += len(known)
    bad_unknown = bad - len(known)
    if bad_unknown > 0:
        tally.fail(f"{label}: {', '.join(unknown) or 'tests'} failed", bad_unknown)
    # An error logged outside any test (a broken install step, a crashing cron) fails.
    stray = stray_errors(text)
    if stray:
        tally.fail(f"{label}: {len(stray)} error(s) logged outside tests")
    if rc not in (0, 1) or (rc == 1 and bad == 0):
        tally.fail(f"{label}: Odoo exited with {rc}")
    if bad_unknown > 0 or stray:
        print(excerpt_errors(log_path))
    say(
        f"{label}: {total - bad} passed, {bad} failed or errors of {total} "
        f"in {seconds:.0f}s"
    )
    return rc, seconds


def stage_lint(tally):
    if not (REPO / ".git").exists():
        tally.fail("lint: not a git checkout, pre-commit cannot run")
        return
    log_path = LOGS / "lint.log"
    say(f"lint: pre-commit run --all-files (log: {log_path.relative_to(REPO)})")
    env = dict(os.environ, PRE_COMMIT_COLOR="never", SKIP=os.environ.get("SKIP", ""))
    rc, seconds = run_logged(
        [
            sys.executable,
            "-m",
            "pre_commit",
            "run",
            "--all-files",
            "--show-diff-on-failure",
        ],
        log_path,
        env=env,
    )
    text = log_path.read_text(errors="replace")
    results = re.findall(
        r"^(.+?)\.{3,}(?:\(no files to check\))?(Passed|Failed|Skipped)$", text, re.M
    )
    if not results:
        tally.fail(f"lint: pre-commit did not run (exit {rc})")
        print(text[-4000:])
        return
    for hook, result in results:
        if result == "Passed":
            tally.ok()
        elif result == "Skipped":
            tally.skipped += 1
        else:
            tally.fail(f"lint: {hook.strip()}")
    if rc != 0:
        print(text[-12000:])
        if not any(r == "Failed" for _, r in results):
            tally.fail(f"lint: pre-commit exited with {rc}")
    say(f"lint: {len(results)} hooks in {seconds:.0f}s")


def stage_pytest(tally, db_name):
    """The top-level tests (end-to-end, lifecycle) on the addons stage's database."""
    run_pytest_stage(
        tally,
        "top-level tests",
        ["tests", "--ignore=tests/engines"],
        "pytest",
        env=dict(os.environ, CRM_SUITE_TEST_DB=db_name),
    )


def stage_engines(tally):
    """The engines' tests: plain pytest, no Odoo, no database."""
    run_pytest_stage(tally, "engines", ["tests/engines"], "engines")


def run_pytest_stage(tally, label, paths, log_name, env=None):
    log_path = LOGS / f"{log_name}.log"
    junit = LOGS / f"{log_name}.xml"
    say(f"{label}: pytest {' '.join(paths)} (log: {log_path.relative_to(REPO)})")
    rc, seconds = run_logged(
        [
            sys.executable,
            "-m",
            "pytest",
            *paths,
            "-v",
            "-p",
            "no:cacheprovider",
            f"--junitxml={junit}",
        ],
        log_path,
        env=env,
    )
    text = log_path.read_text(errors="replace")
    tail = text.strip().splitlines()[-1] if text.strip() else ""
    counts = dict(
        (k, int(v))
        for v, k in re.findall(r"(\d+) (passed|failed|error|errors|skipped)", tail)
    )
    passed = counts.get("passed", 0)
    bad = counts.get("failed", 0) + counts.get("error", 0) + counts.get("errors", 0)
    tally.ok(passed)
    tally.skipped += counts.get("skipped", 0)
    if bad:
        failed = re.findall(r"^(?:FAILED|ERROR) (\S+)", text, re.M)
        tally.fail(f"{label}: " + (", ".join(failed) or f"see {log_name}.log"), bad)
    if rc not in (0,) and not bad:
        tally.fail(f"{label}: pytest exited with {rc}")
    if rc != 0:
        print(text[-15000:])
    say(f"{label}: {tail} in {seconds:.0f}s")


def main():
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument(
        "--skip",
        action="append",
        default=[],
        choices=["lint", "engines", "addons", "pytest", "compat"],
        help="leave a stage out (repeatable)",
    )
    parser.add_argument(
        "--db",
        default="crm_suite_test",
        help="test database (dropped and created anew)",
    )
    parser.add_argument(
        "--keep-db", action="store_true", help="keep the test database at the end"
    )
    options = parser.parse_args()
    LOGS.mkdir(parents=True, exist_ok=True)
    tally = Tally()
    started = time.monotonic()

    if "lint" not in options.skip:
        stage_lint(tally)

    if "engines" not in options.skip:
        stage_engines(tally)

    db = options.db
    need_db = {"addons", "pytest", "compat"} - set(options.skip)
    if need_db:
        drop_db(db)
        # Our addons with demo data on a fresh database; their tests run at install.
        install = ["-d", db, "-i", ",".join(ADDONS), "--stop-after-init"]
        install += ["--http-port", str(free_port()), "--log-level", "test"]
        if "addons" in options.skip:
            if run_logged(odoo_command(*install), LOGS / "addons.log")[0] != 0:
                tally.fail("addons: the three addons did not install")
        else:
            tags = ",".join(f"/{a}" for a in ADDONS)
            odoo_test_stage(
                tally,
                "addons",
                [*install, "--test-enable", "--test-tags", tags],
                "addons.log",
            )

    if "pytest" not in options.skip:
        stage_pytest(tally, db)

    if "compat" not in options.skip:
        known_file = REPO / "tests" / "known_stock_failures.txt"
        known = {
            ln.split("#")[0].strip()
            for ln in known_file.read_text().splitlines()
            if ln.split("#")[0].strip()
        }
        odoo_test_stage(
            tally,
            "compat (Odoo's crm, mass_mailing, portal tests with our addons)",
            [
                "-d",
                db,
                "-u",
                ",".join(COMPAT_MODULES),
                "--test-enable",
                "--test-tags",
                ",".join(f"/{m}" for m in COMPAT_MODULES),
                "--stop-after-init",
                "--http-port",
                str(free_port()),
                "--log-level",
                "test",
            ],
            "compat.log",
            known_failures=known,
        )

    if need_db and not options.keep_db:
        drop_db(db)

    minutes = (time.monotonic() - started) / 60
    print()
    for note in tally.notes:
        say(f"note: {note}")
    for problem in tally.problems:
        say(f"FAILED: {problem}")
    say(f"all stages in {minutes:.1f} min; logs in {LOGS.relative_to(REPO)}/")
    line = f"{tally.passed} passed, {tally.failed} failed"
    if tally.skipped:
        line += f", {tally.skipped} skipped"
    print(line, flush=True)
    return 1 if tally.failed or not tally.passed else 0


if __name__ == "__main__":
    sys.exit(main())
