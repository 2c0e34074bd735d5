# Copyright 2026 CRM Suite
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""Forged clicks on a running server: two leads receive the same drip email; the
first one, who knows the mailing's link code from their own email, opens
``/r/<code>/m/<trace id>`` with the other recipient's trace id, without a
signature, with a made-up one and with their own. Nothing is recorded: no click on
the trace, no ``link.tracker.click``, no score event, no drip branch; the browser
still lands on the link's page. The recipient's own signed link is recorded. The
emails' bodies are the ones Odoo would send (``mail.mail._prepare_outgoing_body``
in ``odoo shell``): the mail queue never runs, nothing goes out by SMTP."""

import re

import drip_rpc
import requests
import test_e2e_drip as drip
from odoo_helpers import odoo_shell

# the drip end-to-end tests' database, server and XML-RPC client
drip_db = drip.drip_db
server = drip.server
rpc = drip.rpc
crons = drip.crons
lead_model = drip.lead_model
campaigns = drip.campaigns

OFFER_URL = "https://www.example.com/e2e-offer"


def _outgoing_links(db, mail_ids):
    """The tracked links of each email as it would leave the server."""
    return odoo_shell(
        db,
        "import re\n"
        f"mails = env['mail.mail'].browse({list(mail_ids)!r})\n"
        'result({m.id: re.findall(r\'href="[^"]*?(/r/[^"]+)"\','
        " str(m._prepare_outgoing_body())) for m in mails})\n",
        log_name="pytest_e2e_security_tracking_shell.log",
    )


def _state(rpc, trace_id, lead_id, clicked_trace_id):
    trace = rpc(
        "mailing.trace", "read", [trace_id], ["links_click_datetime", "open_datetime"]
    )[0]
    return {
        "clicked": trace["links_click_datetime"],
        "opened": trace["open_datetime"],
        "link_clicks": rpc(
            "link.tracker.click", "search_count", [("mailing_trace_id", "=", trace_id)]
        ),
        "score_events": rpc(
            "crm.score.event",
            "search_count",
            [
                ("res_model", "=", "mailing.trace"),
                ("res_id", "=", trace_id),
                ("lead_id", "=", lead_id),
            ],
        ),
        "branch": rpc("crm.drip.trace", "read", [clicked_trace_id], ["schedule_date"])[
            0
        ]["schedule_date"],
    }


def test_forged_click_on_another_recipients_trace(
    rpc, drip_db, server, crons, lead_model, campaigns
):
    template = rpc(
        "mail.template",
        "create",
        {
            "name": "Drip E2E offer",
            "model_id": lead_model,
            "subject": "Our offer",
            "body_html": f'<p>See <a href="{OFFER_URL}">our offer</a></p>',
            "use_default_to": True,
        },
    )
    todo = rpc(
        "ir.model.data", "check_object_reference", "mail", "mail_activity_data_todo"
    )[1]
    attacker, victim = drip_rpc.make_leads(rpc, "DripForge", 2)
    campaign, steps = drip_rpc.make_campaign(
        rpc,
        lead_model,
        "DripForge",
        [
            ("first", None, drip_rpc.email_step(template)),
            (
                "clicked",
                "first",
                {
                    "trigger": "clicked",
                    "action_type": "activity",
                    "activity_type_id": todo,
                    "activity_summary": "Call: clicked",
                    "delay_number": 1,
                    "delay_unit": "days",
                },
            ),
        ],
        started=campaigns,
    )
    drip_rpc.run_cron(rpc, crons)
    emails = drip_rpc.emails_of(rpc, campaign)
    traces = drip_rpc.traces_of(rpc, campaign)
    trace_of = {lead: emails[lead][0]["id"] for lead in (attacker, victim)}
    branch_of = {
        lead: traces[(lead, steps["clicked"])]["id"] for lead in (attacker, victim)
    }
    mails = {
        row["res_id"]: row["id"]
        for row in rpc(
            "mail.mail",
            "search_read",
            [("model", "=", "crm.lead"), ("res_id", "in", [attacker, victim])],
            ["res_id"],
        )
    }
    links = _outgoing_links(drip_db, mails.values())
    attacker_link = links[str(mails[attacker])]
    victim_link = links[str(mails[victim])]
    assert len(attacker_link) == 1 and len(victim_link) == 1, links
    match = re.fullmatch(r"(/r/\w+)/m/(\d+)\?sig=([0-9a-f]{32})", attacker_link[0])
    assert match, attacker_link
    code_path, trace_id, attacker_sig = match.groups()
    assert int(trace_id) == trace_of[attacker]
    assert victim_link[0].startswith(f"{code_path}/m/{trace_of[victim]}?sig=")
    assert not victim_link[0].endswith(attacker_sig)

    before = _state(rpc, trace_of[victim], victim, branch_of[victim])
    assert before == {
        "clicked": False,
        "opened": False,
        "link_clicks": 0,
        "score_events": 0,
        "branch": False,
    }
    victim_path = f"{code_path}/m/{trace_of[victim]}"
    for forged in (
        victim_path,
        f"{victim_path}?sig=",
        f"{victim_path}?sig={'0' * 32}",
        f"{victim_path}?sig={attacker_sig}",
        f"{victim_path}?sig={attacker_sig[:8]}",
    ):
        response = requests.get(f"{server}{forged}", allow_redirects=False, timeout=30)
        assert response.status_code == 301, (forged, response.status_code)
        assert response.headers["Location"].startswith(OFFER_URL), forged
    assert _state(rpc, trace_of[victim], victim, branch_of[victim]) == before
    # the attacker's own click was never made either
    assert (
        rpc("mailing.trace", "read", [trace_of[attacker]], ["links_click_datetime"])[0][
            "links_click_datetime"
        ]
        is False
    )

    # the victim clicks their own link: recorded, branch scheduled
    response = requests.get(
        f"{server}{victim_link[0]}", allow_redirects=False, timeout=30
    )
    assert response.status_code == 301
    assert response.headers["Location"].startswith(OFFER_URL)
    after = _state(rpc, trace_of[victim], victim, branch_of[victim])
    assert after["clicked"] and after["opened"]
    assert after["link_clicks"] == 1
    assert after["score_events"] >= 1
    assert after["branch"], "the 'clicked' branch is scheduled"
