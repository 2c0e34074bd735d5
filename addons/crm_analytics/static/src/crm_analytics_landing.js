/** @odoo-module **/
import {_t} from "@web/core/l10n/translation";
import {registry} from "@web/core/registry";

// The landing page of CRM Analytics: what it is for and its features (see crm_suite_landing).
registry.category("crm_suite.landing_pages").add("crm_analytics", () => ({
    title: _t("CRM Analytics"),
    intro: _t(
        "The analytical CRM answers which customers bring the most, which segments " +
            "grow, what the pipeline and the revenue will bring and which campaigns " +
            "and people win it, with PDF and XLSX reports in the reader's language."
    ),
    available: [
        {
            label: _t("Profitability Dashboard"),
            action: "crm_analytics.crm_analytics_action_dashboard",
        },
        {
            label: _t("Customer Profitability"),
            action: "crm_analytics.crm_customer_profitability_action",
        },
        {label: _t("Pipeline Analysis"), action: "crm.crm_opportunity_report_action"},
        {
            label: _t("Pipeline Forecast"),
            action: "crm_analytics.crm_pipeline_forecast_report_action",
        },
        {
            label: _t("Revenue Forecast"),
            action: "crm_analytics.crm_revenue_forecast_action",
        },
        {
            label: _t("Attribution Analysis"),
            action: "crm_analytics.crm_attribution_report_action",
        },
        {
            label: _t("Salesperson Performance"),
            action: "crm_analytics.crm_salesperson_report_action",
        },
        {
            label: _t("Agent Performance"),
            action: "crm_analytics.crm_agent_report_action",
        },
        {label: _t("Segments"), action: "crm_analytics.crm_segment_action"},
        {label: _t("Customer Tiers"), action: "crm_analytics.crm_customer_tier_action"},
        {label: _t("Event Rules"), action: "crm_analytics.crm_event_rule_action"},
    ],
    upcoming: [],
}));
