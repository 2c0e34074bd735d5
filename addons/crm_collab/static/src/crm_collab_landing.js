/** @odoo-module **/
import {_t} from "@web/core/l10n/translation";
import {registry} from "@web/core/registry";

// The landing page of CRM Collaboration (see crm_suite_landing).
registry.category("crm_suite.landing_pages").add("crm_collab", () => ({
    title: _t("CRM Collaboration"),
    intro: _t(
        "Each customer's documents, history and handoffs in one place for every team."
    ),
    available: [
        {label: _t("Customers"), action: "base.action_partner_form"},
        {label: _t("Documents"), action: "crm_collab.crm_document_action"},
        {label: _t("Customer Timeline"), action: "crm_collab.crm_interaction_action"},
        {label: _t("My Handoffs"), action: "crm_collab.crm_handoff_action_mine"},
    ],
    upcoming: [],
}));
