/** @odoo-module **/
import {registry} from "@web/core/registry";

registry.category("web_tour.tours").add("crm_suite_open_app", {
    url: "/odoo",
    steps: () => [
        {
            content: "Open the apps menu",
            trigger: ".o_navbar_apps_menu button",
            run: "click",
        },
        {
            content: "Open the CRM Suite app",
            trigger: ".o_app[data-menu-xmlid='crm_suite.menu_crm_suite_root']",
            run: "click",
        },
        {
            content: "The app is open",
            trigger: ".o_main_navbar .o_menu_brand:contains('CRM Suite')",
        },
        {
            content: "A salesperson lands on their hot leads",
            trigger: ".o_breadcrumb .active:contains('My Hot Leads')",
        },
        {
            content: "Records (or the empty helper) are shown",
            trigger: ".o_action_manager .o_view_controller",
        },
        {
            content: "Open the Sales menu",
            trigger: ".o_menu_sections button:contains('Sales')",
            run: "click",
        },
        {
            content: "The pipeline is one click away",
            trigger: ".o-dropdown--menu .dropdown-item:contains('Pipeline')",
            run: "click",
        },
        {
            content: "The pipeline opens as a kanban of opportunities",
            trigger: ".o_breadcrumb .active:contains('Pipeline')",
        },
        {
            content: "Its kanban view",
            trigger: ".o_kanban_view",
        },
    ],
});

// A CRM Suite user who just logged in starts in CRM Suite, not in Discuss.
registry.category("web_tour.tours").add("crm_suite_home", {
    url: "/odoo",
    steps: () => [
        {
            content: "On the user's first screen",
            trigger: ".o_breadcrumb .active:contains('My Hot Leads')",
        },
        {
            content: "Its hot leads: the two filters together",
            trigger:
                ".o_searchview_facet:contains('My Pipeline'):not(:contains('Hot'))",
        },
        {
            content: "In the CRM Suite app",
            trigger: ".o_main_navbar:has(.o_menu_brand:contains('CRM Suite'))",
        },
    ],
});
