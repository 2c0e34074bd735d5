# Copyright 2026 CRM Suite
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""The drip job with real committed transactions, on a fresh database without demo
data: run by two workers at once, by two cursors racing, failed and crashed between its
commits. Emails are only queued (``mail.mail``): nothing goes out by SMTP."""

from concurrent.futures import ThreadPoolExecutor

import pytest
from odoo_helpers import odoo_shell


@pytest.fixture(scope="module")
def jobs_db(fresh_db):
    """The job's global queue and its crashes stay away from the other tests'."""
    return fresh_db("e2e_drip_jobs", log_name="pytest_drip_jobs_db.log")


# ---------------------------------------------------------------------------
# The job with real committed transactions: two workers, failures, crashes
# (each scenario stops the earlier ones' campaigns)
# ---------------------------------------------------------------------------

SETUP = r"""
import os, threading, time
TAG = {tag!r}
model = env["ir.model"]._get("crm.lead")
template = env["mail.template"].create({{
    "name": TAG, "model_id": model.id, "subject": "Hello",
    "body_html": "<p>Hello</p>", "use_default_to": True,
}})
leads = env["crm.lead"].create([
    {{"name": f"{{TAG}} {{i}}", "email_from": f"{{TAG.lower()}}.{{i}}@jobs.test"}}
    for i in range({count})
])
# the earlier scenarios' campaigns are over: only this one has due steps
env["crm.drip.campaign"].search([("state", "=", "running")]).action_stop()
campaign = env["crm.drip.campaign"].create({{
    "name": TAG, "model_id": model.id, "send_tz": "UTC",
    "domain": repr([("name", "=like", TAG + " %")]),
}})
env["crm.drip.step"].create({{
    "name": TAG, "campaign_id": campaign.id, "trigger": "begin",
    "action_type": "email", "mail_template_id": template.id,
}})
campaign.action_start()
env.cr.commit()
assert len(campaign.participant_ids) == {count}
Trace = type(env["crm.drip.trace"])
"""

CHECK = r"""
def check(tag):
    env.cr.commit()  # a fresh snapshot: what the workers committed
    env.invalidate_all()
    cr = env.cr
    campaign = env["crm.drip.campaign"].search([("name", "=", tag)]).id
    cr.execute(
        "SELECT t.state, t.lock_token IS NOT NULL, count(mt.id) "
        "FROM crm_drip_trace t "
        "LEFT JOIN mailing_trace mt ON mt.crm_drip_trace_id = t.id "
        "WHERE t.campaign_id = %s GROUP BY t.id",
        [campaign],
    )
    rows = cr.fetchall()
    out = {"traces": len(rows), "states": {}, "claimed": 0, "claimed_with_email": 0,
           "emails_per_trace": {}}
    for state, claimed, emails in rows:
        out["states"][state] = out["states"].get(state, 0) + 1
        out["claimed"] += claimed
        out["claimed_with_email"] += bool(claimed and emails)
        out["emails_per_trace"][emails] = out["emails_per_trace"].get(emails, 0) + 1
    # every email of the step's mailing, whatever trace it hangs on, per lead
    cr.execute(
        "SELECT p.res_id, "
        " (SELECT count(*) FROM mailing_trace mt JOIN crm_drip_step s "
        "    ON s.mailing_id = mt.mass_mailing_id "
        "  WHERE s.campaign_id = p.campaign_id AND mt.res_id = p.res_id), "
        " (SELECT count(*) FROM mail_mail m "
        "    JOIN mail_message mm ON mm.id = m.mail_message_id "
        "    JOIN crm_drip_step s ON s.mailing_id = m.mailing_id "
        "  WHERE s.campaign_id = p.campaign_id AND mm.res_id = p.res_id "
        "    AND mm.model = 'crm.lead') "
        "FROM crm_drip_participant p WHERE p.campaign_id = %s",
        [campaign],
    )
    per_lead = cr.fetchall()
    out["participants"] = len(per_lead)
    out["emails_per_lead"] = sorted({r[1] for r in per_lead})
    out["mails_per_lead"] = sorted({r[2] for r in per_lead})
    out["emails"] = sum(r[1] for r in per_lead)
    cr.execute(
        "SELECT state, count(*) FROM crm_drip_participant WHERE campaign_id = %s "
        "GROUP BY state",
        [campaign],
    )
    out["participant_states"] = dict(cr.fetchall())
    return out
"""

RUN_AGAIN = r"""
before = check({tag!r})
env["crm.drip.trace"]._cron_process(batch_size=10)
env.cr.commit()
result({{"before": before, "after": check({tag!r})}})
"""


def assert_each_sent_once(out, count):
    assert out["participants"] == count
    assert out["traces"] == count
    assert out["states"] == {"done": count}, out
    assert out["claimed"] == 0, "no claim is left behind"
    assert out["emails_per_trace"] == {"1": count}, out
    assert out["emails_per_lead"] == [1], "one email per recipient, never two"
    assert out["mails_per_lead"] == [1], "one queued mail.mail per recipient"
    assert out["participant_states"] == {"completed": count}


# Two odoo shell processes: 'a' enrols 300 leads, then both start the job at the same
# moment (a file barrier); 'b' checks once both are through.
WORKER = r"""
import os, time
here = {barrier!r}

def meet(step):
    open(os.path.join(here, f"{{step}}_{name}"), "w").close()
    deadline = time.time() + 300
    while len([f for f in os.listdir(here) if f.startswith(step + "_")]) < 2:
        assert time.time() < deadline, f"the other worker never reached {{step}}"
        time.sleep(0.005)

if {name!r} == "a":
{setup}
meet("ready")
start = time.time()
done = env["crm.drip.trace"]._cron_process(batch_size=10, max_batches=40)
end = time.time()
meet("through")
out = {{"done": done, "start": start, "end": end}}
if {name!r} == "b":
    out["check"] = check("JobsPair")
result(out)
"""


def test_job_two_workers_at_once(jobs_db, tmp_path):
    db, count = jobs_db, 300
    setup = "\n".join(
        "    " + line for line in SETUP.format(tag="JobsPair", count=count).splitlines()
    )
    with ThreadPoolExecutor(max_workers=2) as pool:
        futures = [
            pool.submit(
                odoo_shell,
                db,
                CHECK + WORKER.format(barrier=str(tmp_path), name=name, setup=setup),
                f"pytest_drip_jobs_worker_{name}.log",
            )
            for name in ("a", "b")
        ]
        first, second = (future.result() for future in futures)
    assert first["done"] > 0 and second["done"] > 0, (first, second)
    assert (
        first["start"] < second["end"] and second["start"] < first["end"]
    ), "the two workers ran at the same time"
    assert first["done"] + second["done"] == count, (first, second)
    assert_each_sent_once(second["check"], count)


# Two cursors of one process, the interleavings a second worker can cause, forced:
# (1) the other worker commits a claim after this run's first snapshot; (2) the other
# worker's recovery takes back this run's committed claim before its rows are locked,
# and holds them while this run goes on to process the batch.
RACES = r"""
registry = env.registry
out = {}
original_recover = Trace._recover_claims
original_process = Trace._process_claimed
with registry.cursor() as cr_a, registry.cursor() as cr_b:
    env_a, env_b = env(cr=cr_a), env(cr=cr_b)
    cr_a.execute("SET lock_timeout = '20s'")  # never hang the test run
    cr_b.execute("SET lock_timeout = '20s'")
    a_tokens = []

    def recover_then_other_claims(self):
        original_recover(self)
        if self.env.cr is cr_b and not a_tokens:
            a_tokens.append(env_a["crm.drip.trace"]._claim(10))
            cr_a.commit()

    Trace._recover_claims = recover_then_other_claims
    try:
        out["b_done"] = env_b["crm.drip.trace"]._cron_process(batch_size=10)
    except Exception as error:
        out["b_error"] = repr(error)
        cr_b.rollback()
    finally:
        Trace._recover_claims = original_recover
    out["a_done"] = env_a["crm.drip.trace"]._process_claimed(a_tokens[0])
    cr_a.commit()
    out["first"] = check(TAG)
    cr_a.commit()

# (2) a fresh campaign of the same leads' size
env["crm.drip.campaign"].search([("state", "=", "running")]).action_stop()
campaign2 = campaign.copy({"name": TAG + " 2"})
campaign2.action_start()
env.cr.commit()
with registry.cursor() as cr_a, registry.cursor() as cr_b:
    env_a, env_b = env(cr=cr_a), env(cr=cr_b)
    cr_a.execute("SET lock_timeout = '20s'")
    cr_b.execute("SET lock_timeout = '20s'")
    claimed, taken_back = threading.Event(), threading.Event()

    def pause_after_claim(self, token):
        if self.env.cr is cr_b and not claimed.is_set():
            claimed.set()
            taken_back.wait(30)
        return original_process(self, token)

    def worker_b():
        try:
            out["b2_done"] = env_b["crm.drip.trace"]._cron_process(batch_size=10)
        except Exception as error:
            out["b2_error"] = repr(error)
            cr_b.rollback()

    Trace._process_claimed = pause_after_claim
    try:
        thread = threading.Thread(target=worker_b)
        thread.start()
        assert claimed.wait(30)
        # the other worker starts: b's claim is committed, its rows not locked yet
        Recovery = env_a["crm.drip.trace"].with_context(crm_suite_no_commit=True)
        Recovery._recover_claims()
        taken_back.set()
        time.sleep(1)  # b locks what it claimed: it waits for a's rows
        cr_a.commit()
        thread.join(120)
        assert not thread.is_alive()
    finally:
        Trace._process_claimed = original_process
    out["second"] = check(TAG + " 2")
result(out)
"""


def test_job_two_cursors_races(jobs_db):
    db, count = jobs_db, 30
    out = odoo_shell(
        db,
        SETUP.format(tag="JobsRace", count=count) + CHECK + RACES,
        "pytest_drip_jobs_races.log",
    )
    assert "b_error" not in out, out["b_error"]
    assert out["b_done"] == count - 10, "b skips the rows a claimed"
    assert out["a_done"] == 10
    assert_each_sent_once(out["first"], count)
    assert "b2_error" not in out, out["b2_error"]
    assert out["b2_done"] == count, "what was taken back is claimed again"
    assert_each_sent_once(out["second"], count)


CRASH_AFTER_CLAIM = r"""
original = Trace._process_claimed
calls = []
def dies_after_the_claim(self, token):
    calls.append(token)
    if len(calls) == 2:
        os._exit(3)  # the 2nd batch's claim is committed, nothing of it processed
    return original(self, token)
Trace._process_claimed = dies_after_the_claim
env["crm.drip.trace"]._cron_process(batch_size=10)
"""


def test_job_crash_between_claim_and_processing(jobs_db):
    db, count = jobs_db, 50
    odoo_shell(
        db,
        SETUP.format(tag="JobsClaim", count=count) + CRASH_AFTER_CLAIM,
        "pytest_drip_jobs_claim_crash.log",
        expect_rc=3,
    )
    out = odoo_shell(
        db, CHECK + RUN_AGAIN.format(tag="JobsClaim"), "pytest_drip_jobs_claim_run.log"
    )
    before = out["before"]
    assert before["states"] == {"done": 10, "scheduled": 40}, before
    assert before["claimed"] == 10, "the dead worker's claim is left"
    assert before["claimed_with_email"] == 0
    assert before["emails"] == 10
    assert_each_sent_once(out["after"], count)


INJECTED_FAILURES = r"""
original_results = Trace._email_results
original_process = Trace._process_claimed
results_calls, batches = [], []

def fails_once(self, now):
    results_calls.append(len(self))
    if len(results_calls) == 3:
        # the 3rd batch's emails exist: the failure must take them back
        raise RuntimeError("injected failure in a batch")
    return original_results(self, now)

def fails_before_commit(self, token):
    batches.append(token)
    done = original_process(self, token)
    if len(batches) == 4:
        # the 4th batch is processed, its emails created, not committed yet
        raise RuntimeError("injected failure of the run")
    return done

Trace._email_results = fails_once
Trace._process_claimed = fails_before_commit
try:
    env["crm.drip.trace"]._cron_process(batch_size=10)
except RuntimeError:
    env.cr.rollback()  # as ir.cron does with a failed job
result(results_calls)
"""


def test_job_injected_failures_then_next_run(jobs_db):
    """A batch whose step fails is retried trace by trace in the same run; a failure
    that ends the run half way leaves its claim, without emails, to the next run."""
    db, count = jobs_db, 50
    calls = odoo_shell(
        db,
        SETUP.format(tag="JobsFail", count=count) + INJECTED_FAILURES,
        "pytest_drip_jobs_fail.log",
    )
    # batches 1, 2, the failing 3rd, its 10 traces one by one, the 4th
    assert calls == [10, 10, 10] + [1] * 10 + [10], calls
    out = odoo_shell(
        db, CHECK + RUN_AGAIN.format(tag="JobsFail"), "pytest_drip_jobs_fail_run.log"
    )
    before = out["before"]
    assert before["states"] == {"done": 30, "scheduled": 20}, before
    assert before["emails_per_trace"] == {"1": 30, "0": 20}, before
    assert before["claimed"] == 10
    assert before["claimed_with_email"] == 0, "the failed run's emails are gone"
    assert before["emails"] == 30
    assert_each_sent_once(out["after"], count)


CRASH_AFTER_SEND = r"""
calls = []
original = Trace._email_results
def dies_after_sending(self, now):
    calls.append(len(self))
    if len(calls) == 2:
        # the emails of the 2nd batch reach the database, their traces are not
        # marked: as if the composer had committed and the worker died
        self.env.cr.commit()
        os._exit(3)
    return original(self, now)
Trace._email_results = dies_after_sending
env["crm.drip.trace"]._cron_process(batch_size=10)
"""


def test_job_crash_after_emails_committed_sends_nothing_twice(jobs_db):
    db, count = jobs_db, 50
    odoo_shell(
        db,
        SETUP.format(tag="JobsSent", count=count) + CRASH_AFTER_SEND,
        "pytest_drip_jobs_sent_crash.log",
        expect_rc=3,
    )
    out = odoo_shell(
        db, CHECK + RUN_AGAIN.format(tag="JobsSent"), "pytest_drip_jobs_sent_run.log"
    )
    before = out["before"]
    assert before["states"] == {"done": 10, "scheduled": 40}, before
    assert before["claimed"] == 10
    assert before["claimed_with_email"] == 10, "sent, not marked"
    assert before["emails"] == 20
    assert_each_sent_once(out["after"], count)
