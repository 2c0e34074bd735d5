/** @odoo-module **/
import {registry} from "@web/core/registry";

// The app's landing page says what it is for and links to its features.
registry.category("web_tour.tours").add("crm_analytics_landing", {
    steps: () => [
        {
            content: "Its landing page, not an empty list",
            trigger: ".o_crm_suite_landing h1:contains('CRM Analytics')",
        },
        {
            content: "It links to the forecasts, now available",
            trigger: ".o_crm_suite_landing_link:contains('Revenue Forecast')",
        },
        {
            content: "Nothing is announced as coming",
            trigger: ".o_crm_suite_landing:not(:has(.o_crm_suite_landing_upcoming))",
        },
        {
            content: "And opens what works",
            trigger: ".o_crm_suite_landing_link:contains('Pipeline Analysis')",
            run: "click",
        },
        {
            content: "The pipeline analysis opens",
            trigger: ".o_breadcrumb .active:contains('Pipeline Analysis')",
        },
    ],
});
