/** @odoo-module **/
import {registry} from "@web/core/registry";

// An agent logs a phone call as a ticket, takes it and sees its SLA deadline.
registry.category("web_tour.tours").add("crm_suite_ticket", {
    url: "/odoo/action-crm_suite.crm_ticket_action",
    steps: () => [
        {
            content: "Switch to the list",
            trigger: ".o_switch_view.o_list",
            run: "click",
        },
        {
            content: "Create a ticket",
            trigger: ".o_list_button_add",
            run: "click",
        },
        {
            content: "Say what is wrong",
            trigger: ".o_field_widget[name='name'] input",
            run: "edit Tour: the scanner is offline",
        },
        {
            content: "Choose the customer",
            trigger: ".o_field_widget[name='partner_id'] input",
            run: "edit Tour Customer",
        },
        {
            content: "Pick the customer in the list",
            trigger: ".o-autocomplete--dropdown-item a:contains('Tour Customer')",
            run: "click",
        },
        {
            content: "Choose the team",
            trigger: ".o_field_widget[name='team_id'] input",
            run: "edit Tour Team",
        },
        {
            content: "Pick the team",
            trigger: ".o-autocomplete--dropdown-item a:contains('Tour Team')",
            run: "click",
        },
        {
            content: "Save",
            trigger: ".o_form_button_save",
            run: "click",
        },
        {
            content: "The ticket has its number",
            trigger: ".o_field_widget[name='number'] span:contains('TCK-')",
        },
        {
            content: "Take it",
            trigger: "button[name='action_assign_to_me']",
            run: "click",
        },
        {
            content: "It is assigned",
            trigger: ".o_form_view:not(:has(button[name='action_assign_to_me']))",
        },
        {
            content: "Open the SLA tab",
            trigger: ".o_notebook .nav-link:contains('SLA')",
            run: "click",
        },
        {
            content: "The tour's policy gives a deadline",
            trigger:
                ".o_field_widget[name='sla_status_ids'] .o_data_cell:contains('Tour SLA')",
        },
    ],
});
