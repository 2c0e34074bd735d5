/** @odoo-module **/
import {registry} from "@web/core/registry";

// The app's landing page says what it is for, what works and what will come.
registry.category("web_tour.tours").add("crm_analytics_landing", {
    steps: () => [
        {
            content: "Its landing page, not an empty list",
            trigger: ".o_crm_suite_landing h1:contains('CRM Analytics')",
        },
        {
            content: "It lists what is coming",
            trigger: ".o_crm_suite_landing_upcoming li:contains('forecasts')",
        },
        {
            content: "And opens what works today",
            trigger: ".o_crm_suite_landing_link:contains('Pipeline Analysis')",
            run: "click",
        },
        {
            content: "The pipeline analysis opens",
            trigger: ".o_breadcrumb .active:contains('Pipeline Analysis')",
        },
    ],
});
