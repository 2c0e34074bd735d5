/** @odoo-module **/
import {_t} from "@web/core/l10n/translation";
import {registry} from "@web/core/registry";

// The landing page of CRM Collaboration until its features land (see crm_suite_landing).
registry.category("crm_suite.landing_pages").add("crm_collab", () => ({
    title: _t("CRM Collaboration"),
    intro: _t(
        "The collaborative CRM is being built: it will keep each customer's documents, " +
            "history and handoffs in one place for every team."
    ),
    available: [
        {label: _t("Customers"), action: "base.action_partner_form"},
        {label: _t("My Handoffs"), action: "crm_collab.crm_handoff_action_mine"},
    ],
    upcoming: [
        _t(
            "A document repository per customer, shared by link, portal or upload request"
        ),
        _t("A unified timeline of each customer across channels"),
    ],
}));
