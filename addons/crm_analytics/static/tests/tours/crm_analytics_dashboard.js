/** @odoo-module **/
import {registry} from "@web/core/registry";

// CRM Analytics opens on the manager dashboard; each block opens what is behind it.
registry.category("web_tour.tours").add("crm_analytics_dashboard", {
    url: "/odoo",
    steps: () => [
        {
            content: "Open the apps menu",
            trigger: ".o_navbar_apps_menu button",
            run: "click",
        },
        {
            content: "Open CRM Analytics",
            trigger: ".o_app[data-menu-xmlid='crm_analytics.menu_crm_analytics_root']",
            run: "click",
        },
        {
            content: "The dashboard is the first screen",
            trigger: ".o_crm_profitability_dashboard .o_crm_dashboard_period",
        },
        {
            content: "Best customers by profit",
            trigger:
                ".o_crm_dashboard_top .o_crm_dashboard_partner:contains('Dash customer 00')",
        },
        {
            content: "Worst customers: the biggest one first",
            trigger:
                ".o_crm_dashboard_bottom tbody tr:first-child .o_crm_dashboard_partner:contains('Dash customer 11')",
        },
        {
            content: "The grade mix",
            trigger:
                ".o_crm_dashboard_grades .o_crm_dashboard_grade_button[data-grade='B'] .o_crm_dashboard_grade_count:contains('3')",
        },
        {
            content: "The most overdue customers",
            trigger:
                ".o_crm_dashboard_overdue .o_crm_dashboard_partner:contains('Dash customer 09')",
        },
        {
            content: "The revenue trend (or why it is not shown)",
            trigger: ".o_crm_dashboard_revenue_trend .card-body > *",
        },
        {
            content: "A grade opens its customers",
            trigger: ".o_crm_dashboard_grade_button[data-grade='A']",
            run: "click",
        },
        {
            content: "The profitability records of that grade",
            trigger: ".o_breadcrumb .active:contains('Grade A')",
        },
    ],
});

// Nothing computed yet: an honest message and a button that computes.
registry.category("web_tour.tours").add("crm_analytics_dashboard_empty", {
    steps: () => [
        {
            content: "The dashboard says nothing was computed",
            trigger: ".o_crm_profitability_dashboard .o_crm_dashboard_empty",
        },
        {
            content: "Compute now",
            trigger: ".o_crm_dashboard_compute:not([disabled])",
            run: "click",
        },
        {
            content: "The dashboard is shown again once computed",
            trigger:
                ".o_crm_profitability_dashboard .o_crm_dashboard_compute:not([disabled])",
        },
    ],
});
