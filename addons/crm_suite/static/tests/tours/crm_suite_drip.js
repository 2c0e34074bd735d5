/** @odoo-module **/
import {registry} from "@web/core/registry";

// A marketing administrator starts a drip campaign and finds its first participant.
registry.category("web_tour.tours").add("crm_suite_drip", {
    url: "/odoo/action-crm_suite.crm_drip_campaign_action",
    steps: () => [
        {
            content: "Switch to the list",
            trigger: ".o_switch_view.o_list",
            run: "click",
        },
        {
            content: "Open the campaign",
            trigger: ".o_data_row td:contains('Tour campaign')",
            run: "click",
        },
        {
            content: "Its steps are listed with their statistics",
            trigger: ".o_field_widget[name='step_ids'] td:contains('Tour welcome')",
            run: "click",
        },
        {
            content: "A step opens in a dialog that names what it shows",
            trigger: ".modal .modal-title:contains('Open: Step')",
        },
        {
            content: "Close the step",
            trigger: ".modal .o_form_button_cancel, .modal .btn-close",
            run: "click",
        },
        {
            content: "Back on the campaign",
            trigger: "body:not(:has(.modal)) button[name='action_start']",
        },
        {
            content: "Start it",
            trigger: "button[name='action_start']",
            run: "click",
        },
        {
            content: "It is running",
            trigger:
                ".o_statusbar_status button.o_arrow_button_current:contains('Running')",
        },
        {
            content: "Open its participants",
            trigger: "button[name='action_view_participants']:contains('1')",
            run: "click",
        },
        {
            content: "The matching lead takes part",
            trigger: ".o_data_row td:contains('Tour drip lead')",
        },
    ],
});
