/** @odoo-module **/
import {registry} from "@web/core/registry";

// From a lead, open its customer's 360 view, filter the timeline by channel,
// direction and period, then open an item's source record.
registry.category("web_tour.tours").add("crm_collab_customer_360", {
    steps: () => [
        {
            content: "Open the customer's 360 view from the lead",
            trigger: ".o_form_view button[name='action_open_customer_360']",
            run: "click",
        },
        {
            content: "The header shows the customer and their open leads",
            trigger: ".o_crm_customer_360 .o_crm_360_partner:contains('Tour Globex')",
        },
        {
            content: "One open lead: the colleague's lead is not theirs to see",
            trigger: ".o_crm_360_figure[data-figure='open_leads'] strong:contains('1')",
        },
        {
            content: "The timeline lists the email, the note and the call",
            trigger:
                ".o_crm_360_timeline:has(.o_crm_360_item[data-channel='email']):has(.o_crm_360_item[data-channel='note']):has(.o_crm_360_item[data-channel='call'])",
        },
        {
            content: "Show the notes only",
            trigger: ".o_crm_360_channel[data-channel='note']",
            run: "click",
        },
        {
            content: "Only the note is left",
            trigger:
                ".o_crm_360_timeline:has(.o_crm_360_item[data-channel='note']):not(:has(.o_crm_360_item[data-channel='email'])):not(:has(.o_crm_360_item[data-channel='call']))",
        },
        {
            content: "Notes are internal: the outbound filter empties the timeline",
            trigger: ".o_crm_360_direction[data-direction='outbound']",
            run: "click",
        },
        {
            content: "Nothing matches",
            trigger: ".o_crm_360_empty",
        },
        {
            content: "Clear the filters",
            trigger: ".o_crm_360_clear",
            run: "click",
        },
        {
            content: "Everything is back",
            trigger:
                ".o_crm_360_timeline:has(.o_crm_360_item[data-channel='email']):has(.o_crm_360_item[data-channel='call'])",
        },
        {
            content: "Keep the last 7 days",
            trigger: "select.o_crm_360_period",
            run: "select 7",
        },
        {
            content: "The old email is gone, the recent call stays",
            trigger:
                ".o_crm_360_timeline:has(.o_crm_360_item[data-channel='call']):not(:has(.o_crm_360_item[data-channel='email']))",
        },
        {
            content: "Open the call's lead",
            trigger: ".o_crm_360_item[data-channel='call']",
            run: "click",
        },
        {
            content: "The lead's form is open",
            trigger: ".o_breadcrumb .active:contains('Globex: 40 desks')",
        },
    ],
});
