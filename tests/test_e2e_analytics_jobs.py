# Copyright 2026 CRM Suite
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""The crm_analytics jobs with real committed transactions, on a fresh database
without demo data: the segment refresh and the event rule evaluation, each run by
two workers at once and failed half way through, then run again."""

import pytest
from odoo_helpers import odoo_shell


@pytest.fixture(scope="module")
def jobs_db(fresh_db):
    """The jobs take every segment and company of the database: keep them away
    from the other tests' databases."""
    return fresh_db(
        "e2e_analytics_jobs",
        modules="crm_analytics",
        log_name="pytest_analytics_jobs_db.log",
    )


# ---------------------------------------------------------------------------
# crm_analytics.ir_cron_crm_segment_refresh: crm.segment._cron_refresh
# (batches of CRON_BATCH = 20, a commit and a trigger after each)
# ---------------------------------------------------------------------------

SEGMENT_SETUP = r"""
import threading
registry = env.registry
TAG = {tag!r}
env["res.partner"].create([{{"name": f"{{TAG}} {{i}}"}} for i in range(3)])
# the earlier scenarios' segments are done for today
env["crm.segment"].search([]).write({{"active": False}})
segments = env["crm.segment"].create([
    {{"name": f"{{TAG}} {{i}}", "segment_type": "rule",
      "domain": repr([("name", "=like", TAG + " %")])}}
    for i in range({count})
])
env.cr.commit()
ids = segments.ids
Segment = type(env["crm.segment"])
original_refresh = Segment._refresh
calls = []  # (worker, segment id) of every refresh, committed or not

def refreshed():
    with registry.cursor() as cr:
        cr.execute(
            "SELECT count(*), count(*) FILTER (WHERE member_count = 3)"
            " FROM crm_segment WHERE last_refresh IS NOT NULL AND id = ANY(%s)",
            [ids])
        return list(cr.fetchone())
"""

SEGMENT_TWO_WORKERS = r"""
a_locked, b_done = threading.Event(), threading.Event()
out = {}

def recording_refresh(self, rfm_done):
    name = threading.current_thread().name
    calls.append((name, self.id))
    if name == "a" and not a_locked.is_set():
        # a holds its batch's rows (locked, not committed): b runs now
        a_locked.set()
        assert b_done.wait(60)
    return original_refresh(self, rfm_done)

def worker(name):
    try:
        with registry.cursor() as cr:
            cr.execute("SET lock_timeout = '20s'")  # never hang the test run
            env(cr=cr)["crm.segment"]._cron_refresh()
            cr.commit()
    except Exception as error:
        out[name + "_error"] = repr(error)
    finally:
        if name == "b":
            b_done.set()

Segment._refresh = recording_refresh
try:
    a = threading.Thread(target=worker, args=("a",), name="a")
    a.start()
    assert a_locked.wait(60)
    b = threading.Thread(target=worker, args=("b",), name="b")
    b.start()
    b.join(120)
    a.join(120)
finally:
    Segment._refresh = original_refresh
out["a"] = sorted(i for w, i in calls if w == "a")
out["b"] = sorted(i for w, i in calls if w == "b")
out["ids"] = ids
out["refreshed"] = refreshed()
result(out)
"""


def test_segment_refresh_two_workers_at_once(jobs_db):
    """25 segments: worker a locks the first batch of 20 and waits; worker b,
    meanwhile, skips them and refreshes the 5 others; every segment refreshed
    once, by one worker."""
    out = odoo_shell(
        jobs_db,
        SEGMENT_SETUP.format(tag="SegPair", count=25) + SEGMENT_TWO_WORKERS,
        "pytest_analytics_jobs_segment_pair.log",
    )
    assert "a_error" not in out and "b_error" not in out, out
    assert len(out["a"]) == 20 and len(out["b"]) == 5, out
    assert sorted(out["a"] + out["b"]) == sorted(out["ids"]), "each once"
    assert out["refreshed"] == [25, 25], out


SEGMENT_FAILURE = r"""
out = {}

def failing_refresh(self, rfm_done):
    calls.append(("run", self.id))
    if len(calls) == 25:
        # the 5th segment of the 2nd batch
        raise RuntimeError("injected failure mid-batch")
    return original_refresh(self, rfm_done)

def run_job(times):
    # as ir.cron runs it (each run one batch, then its trigger): its own
    # cursor, rolled back when it raises
    for _i in range(times):
        with registry.cursor() as cr:
            try:
                env(cr=cr)["crm.segment"]._cron_refresh()
                cr.commit()
            except RuntimeError:
                cr.rollback()
                return "failed"
    return "ok"

Segment._refresh = failing_refresh
try:
    out["run"] = run_job(3)
finally:
    Segment._refresh = original_refresh
out["after_failure"] = refreshed()
done_before = {i for _w, i in calls[:20]}
del calls[:]
Segment._refresh = lambda self, rfm_done: (
    calls.append(("rerun", self.id)) or original_refresh(self, rfm_done))
try:
    out["rerun"] = run_job(3)
finally:
    Segment._refresh = original_refresh
rerun = [i for _w, i in calls]
out["rerun_count"] = len(rerun)
out["rerun_doubles"] = len(rerun) - len(set(rerun))
out["rerun_redone"] = len(done_before & set(rerun))
out["after_rerun"] = refreshed()
result(out)
"""


def test_segment_refresh_failure_mid_batch_then_rerun(jobs_db):
    """45 segments, the 2nd batch fails at its 5th segment: the 1st batch (20)
    stays refreshed, the 2nd is rolled back whole; the rerun refreshes the 25
    others, none of the 20 again, none twice."""
    out = odoo_shell(
        jobs_db,
        SEGMENT_SETUP.format(tag="SegFail", count=45) + SEGMENT_FAILURE,
        "pytest_analytics_jobs_segment_fail.log",
    )
    assert out["run"] == "failed"
    assert out["after_failure"] == [20, 20], out
    assert out["rerun"] == "ok"
    assert out["rerun_count"] == 25, out
    assert out["rerun_doubles"] == 0 and out["rerun_redone"] == 0, out
    assert out["after_rerun"] == [45, 45], out


# ---------------------------------------------------------------------------
# crm_analytics.ir_cron_crm_event_rule: crm.event.rule._cron_evaluate
# (one transaction per company, an advisory lock per company)
# ---------------------------------------------------------------------------

EVENT_SETUP = r"""
registry = env.registry
TAG = {tag!r}
# the earlier scenarios' rules are over
env["crm.event.rule"].search([]).write({{"active": False}})
companies = env.company | env["res.company"].create({{"name": TAG + " Co"}})
todo = env.ref("mail.mail_activity_data_todo")
partners = env["res.partner"]
for company in companies:
    env["crm.event.rule"].create({{
        "name": TAG, "company_id": company.id, "metric": "ticket_closed",
        "operator": ">=", "threshold": 0, "action_type": "activity",
        "activity_type_id": todo.id, "activity_summary": TAG,
    }})
    customers = env["res.partner"].create(
        [{{"name": f"{{TAG}} {{company.id}} {{i}}"}} for i in range({count})]
    )
    # a ticket makes them customers of the company (0 closed: inside the rule)
    env["crm.ticket"].create([
        {{"name": p.name, "partner_id": p.id, "company_id": company.id}}
        for p in customers
    ])
    partners |= customers
env.cr.commit()
ids = partners.ids
Rule = type(env["crm.event.rule"])

def counts():
    with registry.cursor() as cr:
        cr.execute(
            "SELECT count(*), count(DISTINCT (rule_id, partner_id))"
            " FROM crm_event_rule_firing WHERE partner_id = ANY(%s)", [ids])
        firings, distinct = cr.fetchone()
        cr.execute(
            "SELECT count(*), count(DISTINCT res_id) FROM mail_activity"
            " WHERE res_model = 'res.partner' AND summary = %s"
            " AND res_id = ANY(%s)", [TAG, ids])
        activities, partners_reached = cr.fetchone()
        return {{"firings": firings, "distinct": distinct,
                 "activities": activities, "reached": partners_reached}}
"""

EVENT_TWO_WORKERS = r"""
out = {}
with registry.cursor() as cr_a, registry.cursor() as cr_b:
    cr_a.execute("SET lock_timeout = '20s'")  # never hang the test run
    cr_b.execute("SET lock_timeout = '20s'")
    ctx = dict(env.context, crm_suite_no_commit=True)
    # a evaluates every company and keeps its transaction (and its locks) open
    env(cr=cr_a, context=ctx)["crm.event.rule"]._cron_evaluate()
    # b runs at the same time: each company is a's, it leaves them
    env(cr=cr_b, context=ctx)["crm.event.rule"]._cron_evaluate()
    cr_b.commit()
    out["while_a_open"] = counts()
    cr_a.commit()
out["after_pair"] = counts()
with registry.cursor() as cr:
    env(cr=cr)["crm.event.rule"]._cron_evaluate()
    cr.commit()
out["again"] = counts()
result(out)
"""


def test_event_rules_two_workers_at_once(jobs_db):
    """Two companies of 6 customers each entering a rule: worker b, while a
    holds both companies, fires nothing; after a's commit each crossing fired
    (and its activity made) once; a later run fires nothing again."""
    out = odoo_shell(
        jobs_db,
        EVENT_SETUP.format(tag="EvPair", count=6) + EVENT_TWO_WORKERS,
        "pytest_analytics_jobs_event_pair.log",
    )
    assert out["while_a_open"]["firings"] == 0, out
    once = {"firings": 12, "distinct": 12, "activities": 12, "reached": 12}
    assert out["after_pair"] == once, out
    assert out["again"] == once, out


EVENT_FAILURE = r"""
out = {}
original = Rule._event_action_activity
second = companies[1]

def fails_in_second_company(self, partners):
    if self.company_id == second:
        raise RuntimeError("injected failure mid-run")
    return original(self, partners)

def run_job():
    with registry.cursor() as cr:
        try:
            env(cr=cr)["crm.event.rule"]._cron_evaluate()
            cr.commit()
            return "ok"
        except RuntimeError:
            cr.rollback()
            return "failed"

Rule._event_action_activity = fails_in_second_company
try:
    out["run"] = run_job()
finally:
    Rule._event_action_activity = original
out["after_failure"] = counts()
out["rerun"] = run_job()
out["after_rerun"] = counts()
out["again"] = run_job()
out["after_again"] = counts()
result(out)
"""


def test_event_rules_failure_mid_run_then_rerun(jobs_db):
    """The second company's evaluation fails after the first company's was
    committed: the first company's 5 firings stay, the second's are rolled back
    (members, firings and activities together); the rerun fires the second
    company's 5 only, a third run nothing."""
    out = odoo_shell(
        jobs_db,
        EVENT_SETUP.format(tag="EvFail", count=5) + EVENT_FAILURE,
        "pytest_analytics_jobs_event_fail.log",
    )
    assert out["run"] == "failed"
    half = {"firings": 5, "distinct": 5, "activities": 5, "reached": 5}
    assert out["after_failure"] == half, out
    assert out["rerun"] == "ok"
    whole = {"firings": 10, "distinct": 10, "activities": 10, "reached": 10}
    assert out["after_rerun"] == whole, out
    assert out["after_again"] == whole, out


EVENT_STALE_SNAPSHOT = r"""
out = {}
with registry.cursor() as cr_a, registry.cursor() as cr_b:
    cr_a.execute("SET lock_timeout = '20s'")  # never hang the test run
    cr_b.execute("SET lock_timeout = '20s'")
    ctx = dict(env.context, crm_suite_no_commit=True)
    # b's transaction has its snapshot before a commits (a cron worker between
    # its companies): a's members are invisible to it, the lock is free again
    cr_b.execute("SELECT count(*) FROM crm_event_rule_member")
    env(cr=cr_a, context=ctx)["crm.event.rule"]._cron_evaluate()
    cr_a.commit()
    try:
        env(cr=cr_b, context=ctx)["crm.event.rule"]._cron_evaluate()
        cr_b.commit()
        out["b"] = "ok"
    except Exception as error:
        # a serialization failure: ir.cron rolls back and runs it again later
        out["b"] = type(error).__name__
        cr_b.rollback()
out["after"] = counts()
with registry.cursor() as cr:
    env(cr=cr)["crm.event.rule"]._cron_evaluate()
    cr.commit()
out["again"] = counts()
result(out)
"""


def test_event_rules_second_worker_with_a_stale_snapshot(jobs_db):
    """Worker b's snapshot predates a's commit, so it takes the companies' locks
    after a and does not see a's members: the members' unique key stops it
    (a serialization failure, rolled back) rather than firing twice."""
    out = odoo_shell(
        jobs_db,
        EVENT_SETUP.format(tag="EvStale", count=4) + EVENT_STALE_SNAPSHOT,
        "pytest_analytics_jobs_event_stale.log",
    )
    assert out["b"] in ("ok", "SerializationFailure", "UniqueViolation"), out
    once = {"firings": 8, "distinct": 8, "activities": 8, "reached": 8}
    assert out["after"] == once, out
    assert out["again"] == once, out
