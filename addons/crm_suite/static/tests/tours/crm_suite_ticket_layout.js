/** @odoo-module **/
import {registry} from "@web/core/registry";

// The ticket kanban: numbers on one line, SLA badges coloured by urgency.
registry.category("web_tour.tours").add("crm_suite_ticket_layout", {
    url: "/odoo/action-crm_suite.crm_ticket_action",
    steps: () => [
        {
            content: "The ticket number stays on one line",
            trigger:
                ".o_kanban_record:contains('Tour: overdue') .o_crm_ticket_number.text-nowrap",
        },
        {
            content: "An overdue SLA is red",
            trigger:
                ".o_kanban_record:contains('Tour: overdue') .o_crm_ticket_sla_overdue.text-bg-danger",
        },
        {
            content: "The overdue deadline reads on the badge, beside the clock",
            trigger:
                ".o_kanban_record:contains('Tour: overdue') .o_crm_ticket_sla_badge",
            run() {
                const badge = this.anchor;
                const icon = badge.querySelector(".fa-clock-o");
                const label = badge.querySelector(
                    ".o_field_widget div, .o_field_widget span"
                );
                if (!label || !label.textContent.trim()) {
                    throw new Error("the SLA badge shows no deadline");
                }
                if (getComputedStyle(label).color !== getComputedStyle(badge).color) {
                    throw new Error(
                        `the deadline's colour (${getComputedStyle(label).color}) is not ` +
                            `the badge's text colour (${getComputedStyle(badge).color})`
                    );
                }
                const iconBox = icon.getBoundingClientRect();
                const labelBox = label.getBoundingClientRect();
                if (labelBox.top >= iconBox.bottom) {
                    throw new Error("the deadline wraps below the clock");
                }
            },
        },
        {
            content: "An SLA due later is neutral",
            trigger:
                ".o_kanban_record:contains('Tour: later') .o_crm_ticket_sla_later.text-bg-info",
        },
        {
            content: "The list shows the urgency too",
            trigger: ".o_switch_view.o_list",
            run: "click",
        },
        {
            content: "Overdue in red",
            trigger:
                ".o_data_row:contains('Tour: overdue') .o_field_widget[name='sla_urgency'] .text-bg-danger",
        },
        {
            content: "Later in the neutral colour",
            trigger:
                ".o_data_row:contains('Tour: later') .o_field_widget[name='sla_urgency'] .text-bg-info",
        },
    ],
});
