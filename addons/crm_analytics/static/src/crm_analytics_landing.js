/** @odoo-module **/
import {_t} from "@web/core/l10n/translation";
import {registry} from "@web/core/registry";

// The landing page of CRM Analytics until its features land (see crm_suite_landing).
registry.category("crm_suite.landing_pages").add("crm_analytics", () => ({
    title: _t("CRM Analytics"),
    intro: _t(
        "The analytical CRM is being built: its reports will answer which customers " +
            "bring the most, which segments grow and what the pipeline will bring."
    ),
    available: [
        {
            label: _t("Profitability Dashboard"),
            action: "crm_analytics.crm_analytics_action_dashboard",
        },
        {label: _t("Pipeline Analysis"), action: "crm.crm_opportunity_report_action"},
    ],
    upcoming: [
        _t("Segments by rules and RFM"),
        _t("Event monitoring"),
        _t("Pipeline and revenue forecasts"),
        _t("Attribution of won revenue to campaigns"),
        _t("PDF and XLSX reports in the reader's language"),
    ],
}));
