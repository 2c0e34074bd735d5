# Copyright 2026 CRM Suite
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
import json

from odoo import Command
from odoo.tests import HttpCase, tagged

from odoo.addons.mail.tests.common import mail_new_test_user

# every list reached from the CRM Suite menus, and Odoo's lead lists it extends
LIST_ACTIONS = [
    "crm_suite.crm_lead_action_my_hot",
    "crm.crm_lead_all_leads",
    "crm_suite.crm_lead_action_all",
    "crm_suite.crm_drip_campaign_action",
    "crm_suite.crm_drip_participant_action",
    "crm_suite.crm_drip_trace_action",
    "crm_suite.crm_ticket_action",
    "crm_suite.crm_ticket_action_my",
    "crm_suite.crm_ticket_report_action",
    "crm_suite.crm_lead_score_line_action",
    "crm_suite.crm_score_rule_action",
    "crm_suite.crm_ticket_team_action",
    "crm_suite.crm_ticket_stage_action",
    "crm_suite.crm_ticket_type_action",
    "crm_suite.crm_ticket_sla_action",
    "crm_suite.crm_ticket_routing_rule_action",
]

# Opens each list (then the forms with lists inside) in the web client and
# reports every column header whose label does not fit: cut off, with "...".
CHECK_HEADERS = """
(async () => {
    const env = odoo.__WOWL_DEBUG__.root.env;
    const wait = (ms) => new Promise((resolve) => setTimeout(resolve, ms));
    const cut = [];
    const check = async (what) => {
        const rendered = () => document.querySelector(".o_list_renderer th");
        for (let i = 0; i < 100 && !rendered(); i++) {
            await wait(50);
        }
        await wait(300); // the column widths are set after the first rendering
        for (const th of document.querySelectorAll(".o_list_renderer thead th")) {
            const label = th.querySelector("span.text-truncate");
            const shown = label && label.offsetParent;
            if (shown && label.scrollWidth > label.clientWidth + 1) {
                cut.push(`${what}: "${label.textContent.trim()}"`);
            }
        }
    };
    for (const xmlid of %(actions)s) {
        await env.services.action.doAction(xmlid, {
            clearBreadcrumbs: true,
            viewType: "list",
        });
        await check(xmlid);
    }
    for (const [model, resId] of %(forms)s) {
        await env.services.action.doAction(
            {
                type: "ir.actions.act_window",
                res_model: model,
                res_id: resId,
                views: [[false, "form"]],
            },
            { clearBreadcrumbs: true }
        );
        await check(model);
    }
    if (cut.length) {
        console.error("column headers cut off: " + cut.join(", "));
    } else {
        console.log("test successful");
    }
})();
"""


def check_list_headers(case, user, lang, actions, forms=()):
    """Open ``actions`` (list views) and ``forms`` ([model, id] pairs) in
    Chromium as ``user`` speaking ``lang``; fail on a header cut off."""
    user.lang = lang
    code = CHECK_HEADERS % {
        "actions": json.dumps(list(actions)),
        "forms": json.dumps(list(forms)),
    }
    case.browser_js(
        "/odoo",
        code,
        ready="!!(odoo.__WOWL_DEBUG__ && odoo.__WOWL_DEBUG__.root)",
        login=user.login,
        timeout=180,
    )


class ListHeadersMixin:
    """The language setup and the three checks of a list-header test: the class
    sets ``header_modules`` (whose terms to load), ``header_actions`` and, in its
    ``setUpClass``, ``cls.manager`` (who opens the lists)."""

    header_modules = ()
    header_actions = ()

    @classmethod
    def _setup_header_languages(cls):
        langs = ["fr_FR", "ar_001"]
        for code in langs:
            cls.env["res.lang"]._activate_lang(code)
        cls.env["ir.module.module"]._load_module_terms(
            ["base", "web", "mail", *cls.header_modules], langs
        )

    def _check(self, lang):
        check_list_headers(self, self.manager, lang, self.header_actions)

    def test_headers_english(self):
        self._check("en_US")

    def test_headers_french(self):
        self._check("fr_FR")

    def test_headers_arabic(self):
        self._check("ar_001")


@tagged("post_install", "-at_install")
class TestCrmSuiteListHeaders(HttpCase):
    """No column header of CRM Suite's lists is cut off, in English, French and
    Arabic, on the screen size of Odoo's browser tests (1366 x 768)."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        langs = ["fr_FR", "ar_001"]
        for code in langs:
            cls.env["res.lang"]._activate_lang(code)
        cls.env["ir.module.module"]._load_module_terms(
            ["base", "web", "mail", "sales_team", "crm", "crm_suite"], langs
        )
        cls.manager = mail_new_test_user(
            cls.env,
            login="crm_suite_headers",
            name="Hana Headers",
            groups="base.group_user,crm_suite.group_crm_suite_manager,"
            "sales_team.group_sale_manager,mass_mailing.group_mass_mailing_user",
        )
        # a record in each list with steps or stages inside a form
        cls.campaign = cls.env["crm.drip.campaign"].create(
            {
                "name": "Headers campaign",
                "model_id": cls.env["ir.model"]._get_id("crm.lead"),
                "step_ids": [
                    Command.create(
                        {
                            "name": "Welcome",
                            "trigger": "begin",
                            "action_type": "activity",
                            "activity_type_id": cls.env.ref(
                                "mail.mail_activity_data_todo"
                            ).id,
                        }
                    ),
                ],
            }
        )
        cls.team = cls.env["crm.ticket.team"].search([], limit=1)

    def _check(self, lang):
        forms = [["crm.drip.campaign", self.campaign.id]]
        if self.team:
            forms.append(["crm.ticket.team", self.team.id])
        check_list_headers(self, self.manager, lang, LIST_ACTIONS, forms)

    def test_headers_english(self):
        self._check("en_US")

    def test_headers_french(self):
        self._check("fr_FR")

    def test_headers_arabic(self):
        self._check("ar_001")
