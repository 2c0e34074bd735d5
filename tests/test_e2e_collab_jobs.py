# Copyright 2026 CRM Suite
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""The crm_collab jobs with real committed transactions, on a fresh database
without demo data: the trash emptied after its retention, the document request
reminders and the handoff reminders, each run by two workers at once (two open
transactions on two cursors) and failed half way through its batches, then run
again. Emails are only queued (``mail.mail``): nothing goes out by SMTP."""

import pytest
from odoo_helpers import odoo_shell


@pytest.fixture(scope="module")
def jobs_db(fresh_db):
    """The jobs take every due record of the database: keep them away from the
    other tests' databases."""
    return fresh_db(
        "e2e_collab_jobs", modules="crm_collab", log_name="pytest_collab_jobs_db.log"
    )


PRELUDE = r"""
from datetime import timedelta
from odoo import fields

registry = env.registry
COUNT = {count}

def two_workers(model, method, **kwargs):
    # two transactions open at once: the first holds its rows (not committed)
    # while the second runs; the second must skip them, never wait for them
    with registry.cursor() as cr_a, registry.cursor() as cr_b:
        cr_a.execute("SET lock_timeout = '20s'")  # never hang the test run
        cr_b.execute("SET lock_timeout = '20s'")
        ctx = {{"crm_suite_no_commit": True}}
        env_a = env(cr=cr_a, context=dict(env.context, **ctx))
        env_b = env(cr=cr_b, context=dict(env.context, **ctx))
        out_a = getattr(env_a[model], method)(**kwargs)
        out_b = getattr(env_b[model], method)(**kwargs)
        cr_a.commit()
        cr_b.commit()
    return out_a, out_b

def patch_failing(cls, name, after):
    # the method raises at its call number ``after + 1``, mid-batch
    original = getattr(cls, name)
    calls = []
    def failing(self, *args, **kwargs):
        calls.append(1)
        if len(calls) == after + 1:
            raise RuntimeError("injected failure mid-batch")
        return original(self, *args, **kwargs)
    setattr(cls, name, failing)
    return lambda: setattr(cls, name, original)

def run_job(model, method, until_empty=False, times=1, **kwargs):
    # as ir.cron runs it (``times`` runs, or until it has nothing left): its
    # own cursor, rolled back when it raises
    with registry.cursor() as cr:
        job = env(cr=cr)[model]
        try:
            while True:
                done = getattr(job, method)(**kwargs)
                cr.commit()
                times -= 1
                if (not until_empty and times <= 0) or not done:
                    return "ok"
        except RuntimeError:
            cr.rollback()
            return "failed"
"""

# ---------------------------------------------------------------------------
# crm_collab.ir_cron_crm_document_empty_trash: crm.document._cron_empty_trash
# ---------------------------------------------------------------------------

TRASH_SETUP = r"""
env.company.crm_document_trash_days = 30
folder = env["crm.document.folder"].create({{"name": {tag!r}}})
docs = env["crm.document"].create(
    [{{"name": f"{tag} {{i}}.txt", "folder_id": folder.id}} for i in range(COUNT)]
)
kept = env["crm.document"].create(
    [{{"name": f"{tag} recent {{i}}.txt", "folder_id": folder.id}} for i in range(3)]
)
env.flush_all()
# in the trash for 40 days (past the retention), 3 others for a day only
env.cr.execute(
    "UPDATE crm_document SET active = FALSE, trash_date = now() - interval '40 days'"
    " WHERE id = ANY(%s)", [docs.ids])
env.cr.execute(
    "UPDATE crm_document SET active = FALSE, trash_date = now() - interval '1 day'"
    " WHERE id = ANY(%s)", [kept.ids])
env.cr.commit()
ids, kept_ids = docs.ids, kept.ids

def left():
    with registry.cursor() as cr:
        cr.execute("SELECT count(*) FROM crm_document WHERE id = ANY(%s)", [ids])
        due = cr.fetchone()[0]
        cr.execute("SELECT count(*) FROM crm_document WHERE id = ANY(%s)", [kept_ids])
        return due, cr.fetchone()[0]
"""

TRASH_TWO_WORKERS = r"""
out = {}
two_workers("crm.document", "_cron_empty_trash", batch_size=8)
out["after_pair"] = left()
out["rest"] = run_job("crm.document", "_cron_empty_trash", times=2, batch_size=8)
out["after_rest"] = left()
result(out)
"""


def test_trash_two_workers_at_once(jobs_db):
    """Worker a deletes 8, worker b, running at the same time, skips a's locked
    rows and deletes 8 others (not 0, not a's again: a's deletion would fail or
    wait); a third run deletes the last 4. Recent trash stays."""
    out = odoo_shell(
        jobs_db,
        PRELUDE.format(count=20)
        + TRASH_SETUP.format(tag="TrashPair")
        + TRASH_TWO_WORKERS,
        "pytest_collab_jobs_trash_pair.log",
    )
    assert out["after_pair"] == [4, 3], out
    assert out["rest"] == "ok"
    assert out["after_rest"] == [0, 3], out


TRASH_FAILURE = r"""
out = {}
Document = type(env["crm.document"])
restore = patch_failing(Document, "unlink", after=1)
try:
    # each run one batch (then its trigger): the 2nd run fails
    out["run"] = run_job("crm.document", "_cron_empty_trash", times=3, batch_size=5)
finally:
    restore()
out["after_failure"] = left()
out["rerun"] = run_job("crm.document", "_cron_empty_trash", times=3, batch_size=5)
out["after_rerun"] = left()
result(out)
"""


def test_trash_failure_mid_batch_then_rerun(jobs_db):
    """The 2nd batch fails: the 1st batch's deletions are committed, the 2nd's
    rolled back; the rerun deletes the rest."""
    out = odoo_shell(
        jobs_db,
        PRELUDE.format(count=12) + TRASH_SETUP.format(tag="TrashFail") + TRASH_FAILURE,
        "pytest_collab_jobs_trash_fail.log",
    )
    assert out["run"] == "failed"
    assert out["after_failure"] == [7, 3], out
    assert out["rerun"] == "ok"
    assert out["after_rerun"] == [0, 3], out


# ---------------------------------------------------------------------------
# crm_collab.ir_cron_crm_document_request_reminders:
# crm.document.request._cron_send_reminders
# ---------------------------------------------------------------------------

REQUEST_SETUP = r"""
partner = env["res.partner"].create(
    {{"name": {tag!r}, "email": "{tag}@jobs.test".lower()}}
)
requests = env["crm.document.request"].create(
    [{{"name": f"{tag} {{i}}", "partner_id": partner.id}} for i in range(COUNT)]
)
env.flush_all()
# overdue: each is due one reminder ("after")
env.cr.execute(
    "UPDATE crm_document_request SET due_date = CURRENT_DATE - 2 WHERE id = ANY(%s)",
    [requests.ids])
env.cr.commit()
ids = requests.ids

def counts():
    with registry.cursor() as cr:
        cr.execute(
            "SELECT m.res_id, count(*) FROM mail_mail mm"
            " JOIN mail_message m ON m.id = mm.mail_message_id"
            " WHERE m.model = 'crm.document.request' AND m.res_id = ANY(%s)"
            " GROUP BY m.res_id", [ids])
        mails = dict(cr.fetchall())
        cr.execute(
            "SELECT res_id, count(*) FROM mail_activity"
            " WHERE res_model = 'crm.document.request' AND res_id = ANY(%s)"
            " GROUP BY res_id", [ids])
        activities = dict(cr.fetchall())
        cr.execute(
            "SELECT count(*) FROM crm_document_request"
            " WHERE reminded_after AND id = ANY(%s)", [ids])
        return {{
            "reminded": cr.fetchone()[0],
            "mails": len(mails), "mails_per_request": sorted(set(mails.values())),
            # the request's own upload activity is there from its creation
            "activities_per_request": sorted(set(activities.values())),
        }}
"""

REQUEST_TWO_WORKERS = r"""
out = {"before": counts()}
two_workers("crm.document.request", "_cron_send_reminders", batch_size=6)
out["after_pair"] = counts()
out["again"] = run_job("crm.document.request", "_cron_send_reminders")
out["after_again"] = counts()
result(out)
"""


def test_request_reminders_two_workers_at_once(jobs_db):
    """10 overdue requests, batches of 6: worker a reminds 6, worker b, at the
    same time, the 4 others; a later run sends nothing more: one email per
    request, never two."""
    out = odoo_shell(
        jobs_db,
        PRELUDE.format(count=10)
        + REQUEST_SETUP.format(tag="ReqPair")
        + REQUEST_TWO_WORKERS,
        "pytest_collab_jobs_request_pair.log",
    )
    base = out["before"]["activities_per_request"]
    assert out["before"]["mails"] == 0, out
    pair = out["after_pair"]
    assert pair["reminded"] == 10 and pair["mails"] == 10, out
    assert pair["mails_per_request"] == [1], out
    assert out["again"] == "ok"
    again = out["after_again"]
    assert again["mails_per_request"] == [1] and again["mails"] == 10, out
    assert again["activities_per_request"] == pair["activities_per_request"], out
    assert pair["activities_per_request"] == [base[0] + 1 if base else 1], out


REQUEST_FAILURE = r"""
out = {}
Template = type(env["mail.template"])
restore = patch_failing(Template, "send_mail", after=4)
try:
    out["run"] = run_job("crm.document.request", "_cron_send_reminders")
finally:
    restore()
out["after_failure"] = counts()
out["rerun"] = run_job("crm.document.request", "_cron_send_reminders")
out["after_rerun"] = counts()
out["again"] = run_job("crm.document.request", "_cron_send_reminders")
out["after_again"] = counts()
result(out)
"""


def test_request_reminders_failure_mid_batch_then_rerun(jobs_db):
    """The 5th email of the batch fails: the job's one transaction is rolled
    back whole (no request marked reminded without its email, no email of an
    unmarked request); the rerun reminds each once, a third run nothing."""
    out = odoo_shell(
        jobs_db,
        PRELUDE.format(count=8) + REQUEST_SETUP.format(tag="ReqFail") + REQUEST_FAILURE,
        "pytest_collab_jobs_request_fail.log",
    )
    assert out["run"] == "failed"
    assert out["after_failure"]["reminded"] == 0, out
    assert out["after_failure"]["mails"] == 0, out
    assert out["rerun"] == "ok"
    rerun = out["after_rerun"]
    assert rerun["reminded"] == 8 and rerun["mails"] == 8, out
    assert rerun["mails_per_request"] == [1], out
    assert out["after_again"] == rerun, out


# ---------------------------------------------------------------------------
# crm_collab.ir_cron_crm_handoff_remind: crm.handoff._cron_remind
# ---------------------------------------------------------------------------

HANDOFF_SETUP = r"""
partner = env["res.partner"].create({{"name": {tag!r}}})
admin = env.ref("base.user_admin")
handoffs = env["crm.handoff"].create([
    {{"name": f"{tag} {{i}}", "partner_id": partner.id, "to_user_id": admin.id,
      "date_due": fields.Datetime.now() + timedelta(hours=2)}}
    for i in range(COUNT)
])
env.cr.commit()
ids = handoffs.ids

def counts():
    with registry.cursor() as cr:
        cr.execute(
            "SELECT res_id, count(*) FROM mail_message"
            " WHERE model = 'crm.handoff' AND res_id = ANY(%s)"
            " AND body::text LIKE '%%Reminder:%%' GROUP BY res_id", [ids])
        per = dict(cr.fetchall())
        cr.execute(
            "SELECT count(*) FROM crm_handoff"
            " WHERE reminder_date IS NOT NULL AND id = ANY(%s)", [ids])
        return {{"reminded": cr.fetchone()[0], "messages": sum(per.values()),
                 "per_handoff": sorted(set(per.values()))}}
"""

HANDOFF_TWO_WORKERS = r"""
out = {"before": counts()}
out["pair"] = two_workers("crm.handoff", "_cron_remind", batch_size=6)
out["after_pair"] = counts()
out["rest"] = run_job("crm.handoff", "_cron_remind", until_empty=True, batch_size=6)
out["after_rest"] = counts()
result(out)
"""


def test_handoff_reminders_two_workers_at_once(jobs_db):
    """15 handoffs due soon, batches of 6: worker a reminds 6, worker b at the
    same time 6 others; the next runs the last 3; one reminder each."""
    out = odoo_shell(
        jobs_db,
        PRELUDE.format(count=15)
        + HANDOFF_SETUP.format(tag="HandoffPair")
        + HANDOFF_TWO_WORKERS,
        "pytest_collab_jobs_handoff_pair.log",
    )
    assert out["before"]["messages"] == 0, out
    assert out["pair"] == [6, 6], out
    assert out["after_pair"]["reminded"] == 12, out
    assert out["after_pair"]["messages"] == 12, out
    assert out["rest"] == "ok"
    assert out["after_rest"] == {"reminded": 15, "messages": 15, "per_handoff": [1]}


HANDOFF_FAILURE = r"""
out = {}
Handoff = type(env["crm.handoff"])
restore = patch_failing(Handoff, "message_post", after=7)
try:
    out["run"] = run_job("crm.handoff", "_cron_remind", until_empty=True, batch_size=5)
finally:
    restore()
out["after_failure"] = counts()
out["rerun"] = run_job("crm.handoff", "_cron_remind", until_empty=True, batch_size=5)
out["after_rerun"] = counts()
result(out)
"""


def test_handoff_reminders_failure_mid_batch_then_rerun(jobs_db):
    """12 handoffs, batches of 5, the 3rd reminder of the 2nd batch fails: the
    1st batch is committed, the 2nd rolled back whole; the rerun reminds the 7
    others: one reminder each, never two."""
    out = odoo_shell(
        jobs_db,
        PRELUDE.format(count=12)
        + HANDOFF_SETUP.format(tag="HandoffFail")
        + HANDOFF_FAILURE,
        "pytest_collab_jobs_handoff_fail.log",
    )
    assert out["run"] == "failed"
    assert out["after_failure"] == {"reminded": 5, "messages": 5, "per_handoff": [1]}
    assert out["rerun"] == "ok"
    assert out["after_rerun"] == {"reminded": 12, "messages": 12, "per_handoff": [1]}
