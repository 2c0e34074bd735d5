# Copyright 2026 CRM Suite
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""What the drip end-to-end tests do over XML-RPC (``rpc(model, method, *args)``):
run a cron, create leads and campaigns, read participants, traces and queued emails,
move time by writing ``schedule_date``. Naive UTC dates as Odoo stores them."""

from datetime import datetime, timedelta

FMT = "%Y-%m-%d %H:%M:%S"


def parse_date(value):
    return datetime.strptime(value, FMT)


def utcnow():
    return datetime.utcnow().replace(microsecond=0)  # noqa: DTZ003 (Odoo stores naive UTC)


def run_cron(rpc, crons, name="process"):
    assert rpc("ir.cron", "method_direct_trigger", [crons[name]]) is True


def make_leads(rpc, tag, count):
    return [
        rpc(
            "crm.lead",
            "create",
            {
                "name": f"{tag} {i}",
                "contact_name": f"{tag} Contact {i}",
                "email_from": f"{tag.lower()}.{i}@drip-e2e.test",
            },
        )
        for i in range(count)
    ]


def make_campaign(rpc, lead_model, tag, steps, started=None, **values):
    """A campaign on the leads named ``tag ...``; ``steps`` are (key, parent key,
    values) in tree order. Returns the campaign id and the step ids by key."""
    campaign = rpc(
        "crm.drip.campaign",
        "create",
        dict(
            {
                "name": tag,
                "model_id": lead_model,
                "domain": repr([("name", "=like", f"{tag} %")]),
                "send_tz": "UTC",
            },
            **values,
        ),
    )
    step_ids = {}
    for key, parent, step_values in steps:
        step_ids[key] = rpc(
            "crm.drip.step",
            "create",
            dict(
                {
                    "name": f"{tag} {key}",
                    "campaign_id": campaign,
                    "parent_id": step_ids[parent] if parent else False,
                },
                **step_values,
            ),
        )
    if started is not None:
        assert rpc("crm.drip.campaign", "action_start", [campaign]) is True
        started.append(campaign)
    return campaign, step_ids


def email_step(template, trigger="begin", delay=0, unit="days"):
    return {
        "trigger": trigger,
        "action_type": "email",
        "mail_template_id": template,
        "delay_number": delay,
        "delay_unit": unit,
    }


def participants_of(rpc, campaign):
    """Participants by lead id."""
    rows = rpc(
        "crm.drip.participant",
        "search_read",
        [("campaign_id", "=", campaign)],
        ["res_id", "state", "exit_reason", "is_holdout"],
    )
    return {row["res_id"]: row for row in rows}


def traces_of(rpc, campaign):
    """Traces by (lead id, step id)."""
    rows = rpc(
        "crm.drip.trace",
        "search_read",
        [("campaign_id", "=", campaign)],
        ["participant_id", "step_id", "state", "schedule_date", "lock_token", "res_id"],
    )
    return {(row["res_id"], row["step_id"][0]): row for row in rows}


def emails_of(rpc, campaign):
    """Mailing traces of the campaign's emails, by lead id."""
    rows = rpc(
        "mailing.trace",
        "search_read",
        [("crm_drip_trace_id.campaign_id", "=", campaign)],
        ["res_id", "crm_drip_trace_id", "trace_status", "mass_mailing_id", "email"],
    )
    by_lead = {}
    for row in rows:
        by_lead.setdefault(row["res_id"], []).append(row)
    return by_lead


def move_due(rpc, trace_ids):
    """Time passes: the traces are due a minute ago."""
    past = (utcnow() - timedelta(minutes=1)).strftime(FMT)
    rpc("crm.drip.trace", "write", list(trace_ids), {"schedule_date": past})


def assert_near(value, expected, slack=timedelta(minutes=5)):
    date = parse_date(value)
    assert abs(date - expected) <= slack, (value, expected)
