/** @odoo-module **/
import {registry} from "@web/core/registry";

registry.category("web_tour.tours").add("crm_suite_service_overview", {
    url: "/odoo/action-crm_suite.crm_ticket_team_action_dashboard",
    steps: () => [
        {
            content:
                "The team's card shows its SLA success, as the Ticket Analysis does",
            trigger:
                ".o_kanban_record:contains('Figures Team') span:contains('100% SLA success')",
        },
        {
            content: "Nothing failed: the SLA failed count is not red",
            trigger:
                ".o_kanban_record:contains('Figures Team') a:contains('SLA failed'):not(.text-danger)",
        },
        {
            content: "A team with a failed target: its count is red",
            trigger:
                ".o_kanban_record:contains('Late Team') a.text-danger:contains('SLA failed')",
        },
    ],
});
