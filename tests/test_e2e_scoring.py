# Copyright 2026 CRM Suite
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""Lead scoring over XML-RPC, as an integrator scripts it, on a running server."""

import xmlrpc.client
from datetime import datetime, timedelta

import pytest
from odoo_helpers import odoo_server


@pytest.fixture(scope="module")
def rpc(demo_db):
    with odoo_server(demo_db, "pytest_e2e_scoring.log") as base:
        common = xmlrpc.client.ServerProxy(f"{base}/xmlrpc/2/common", allow_none=True)
        models = xmlrpc.client.ServerProxy(f"{base}/xmlrpc/2/object", allow_none=True)

        def call(login, password, model, method, *args, **kwargs):
            uid = common.authenticate(demo_db, login, password, {})
            assert uid, f"{login} cannot log in"
            return models.execute_kw(
                demo_db, uid, password, model, method, list(args), kwargs
            )

        yield call


def test_scores_lines_and_rules_over_xmlrpc(rpc):
    admin = ("admin", "admin")
    demo_rules = rpc(*admin, "crm.score.rule", "search", [])
    rpc(*admin, "crm.score.rule", "write", demo_rules, {"active": False})
    created = {}
    try:
        team = rpc(
            *admin,
            "crm.team",
            "create",
            {
                "name": "XML-RPC scoring team",
                "score_weight_fit": 1,
                "score_weight_engagement": 1,
                "score_weight_predictive": 0,
                "score_hot_threshold": 30,
                "score_warm_threshold": 10,
            },
        )
        created["crm.team"] = [team]
        fit, opened = (
            rpc(
                *admin,
                "crm.score.rule",
                "create",
                {
                    "name": "Belgium",
                    "rule_type": "fit",
                    "domain": "[('country_id.code', '=', 'BE')]",
                    "points": 40,
                    "team_ids": [(6, 0, [team])],
                },
            ),
            rpc(
                *admin,
                "crm.score.rule",
                "create",
                {
                    "name": "Opened",
                    "rule_type": "engagement",
                    "event_type": "email_opened",
                    "points": 20,
                    "decay_days": 10,
                },
            ),
        )
        created["crm.score.rule"] = [fit, opened]
        belgium = rpc(*admin, "res.country", "search", [("code", "=", "BE")])[0]
        lead = rpc(
            *admin,
            "crm.lead",
            "create",
            {"name": "XML-RPC lead", "team_id": team, "country_id": belgium},
        )
        created["crm.lead"] = [lead]
        mailing = rpc(
            *admin,
            "mailing.mailing",
            "create",
            {
                "subject": "XML-RPC",
                "body_html": "<p>Hi</p>",
                "mailing_model_id": rpc(
                    *admin, "ir.model", "search", [("model", "=", "crm.lead")]
                )[0],
            },
        )
        created["mailing.mailing"] = [mailing]
        opened_at = datetime.now() - timedelta(days=10)
        rpc(
            *admin,
            "mailing.trace",
            "create",
            {
                "model": "crm.lead",
                "res_id": lead,
                "mass_mailing_id": mailing,
                "trace_status": "open",
                "open_datetime": opened_at.strftime("%Y-%m-%d %H:%M:%S"),
                "email": "lead@example.com",
            },
        )
        [values] = rpc(
            *admin,
            "crm.lead",
            "read",
            [lead],
            ["score", "score_fit", "score_engagement", "score_band", "score_line_ids"],
        )
        assert values["score_fit"] == 40
        assert values["score_engagement"] == pytest.approx(10)  # 20 x 0.5
        assert values["score"] == 25  # (40 + 10) / 2, predictive weight 0
        assert values["score_band"] == "warm"
        lines = rpc(
            *admin,
            "crm.lead.score.line",
            "read",
            values["score_line_ids"],
            ["rule_id", "points", "res_model"],
        )
        assert sorted((x["rule_id"][0], x["points"]) for x in lines) == sorted(
            [(fit, 40.0), (opened, 20.0)]
        )
        assert rpc(*admin, "crm.lead", "action_recompute_score", [lead]) is True

        # A bad filter is refused on save, with a message.
        with pytest.raises(xmlrpc.client.Fault, match="not valid"):
            rpc(
                *admin,
                "crm.score.rule",
                "create",
                {"name": "Bad", "domain": "[('nope', '=', 1)]", "points": 1},
            )
        # A salesperson reads rules but cannot create or change them.
        sofia = ("sofia", "sofia")
        assert rpc(*sofia, "crm.score.rule", "search_count", [("id", "=", fit)]) == 1
        with pytest.raises(xmlrpc.client.Fault, match="AccessError|not allowed"):
            rpc(*sofia, "crm.score.rule", "write", [fit], {"points": 99})
        with pytest.raises(xmlrpc.client.Fault, match="AccessError|not allowed"):
            rpc(
                *sofia,
                "crm.score.rule",
                "create",
                {"name": "Mine", "domain": "[]", "points": 99},
            )
    finally:
        for model in ("crm.lead", "mailing.mailing", "crm.score.rule", "crm.team"):
            if created.get(model):
                rpc(*admin, model, "unlink", created[model])
        rpc(*admin, "crm.score.rule", "write", demo_rules, {"active": True})
