/** @odoo-module **/
import {registry} from "@web/core/registry";

// A salesperson finds a handoff to their team in "My Handoffs", accepts it, then closes it.
registry.category("web_tour.tours").add("crm_collab_handoff", {
    url: "/odoo/action-crm_collab.crm_handoff_action_mine",
    steps: () => [
        {
            content: "The handoff to my team is on the board",
            trigger: ".o_kanban_record:contains('Tour handoff')",
            run: "click",
        },
        {
            content: "Accept it",
            trigger: ".o_form_view button[name='action_accept']",
            run: "click",
        },
        {
            content: "It is accepted",
            trigger:
                ".o_statusbar_status button.o_arrow_button_current:contains('Accepted')",
        },
        {
            content: "Mark it done",
            trigger: ".o_form_view button[name='action_done']",
            run: "click",
        },
        {
            content: "It is done",
            trigger:
                ".o_statusbar_status button.o_arrow_button_current:contains('Done')",
        },
    ],
});
