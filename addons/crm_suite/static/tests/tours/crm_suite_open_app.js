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
            content: "The leads and opportunities view of the app loads",
            trigger: ".o_main_navbar .o_menu_brand:contains('CRM Suite')",
        },
        {
            content: "Records (or the empty helper) are shown",
            trigger: ".o_action_manager .o_view_controller",
        },
    ],
});
