/** @odoo-module **/
import {registry} from "@web/core/registry";

// A customer opens a ticket from the portal, finds it in the list and closes it.
registry.category("web_tour.tours").add("crm_suite_ticket_portal", {
    url: "/my/tickets",
    steps: () => [
        {
            content: "Their company's ticket is listed",
            trigger: "a:contains('Tour: the invoice PDF is empty')",
        },
        {
            content: "Open a new ticket",
            trigger: "a[href='/my/tickets/new']",
            run: "click",
        },
        {
            content: "Say what is wrong",
            trigger: "input[name='subject']",
            run: "edit Tour: the delivery note is missing",
        },
        {
            content: "Describe it",
            trigger: "textarea[name='description']",
            run: "edit The parcel came without its delivery note.",
        },
        {
            content: "Send",
            trigger: ".o_crm_ticket_new_form button[type='submit']",
            run: "click",
        },
        {
            content: "The new ticket's page shows its number",
            trigger: ".breadcrumb-item.active:contains('TCK-')",
        },
        {
            content: "Back to the list",
            trigger: ".breadcrumb-item a[href='/my/tickets']",
            run: "click",
        },
        {
            content: "Open the waiting ticket",
            trigger: "a:contains('Tour: the invoice PDF is empty')",
            run: "click",
        },
        {
            content: "Close it (its stage lets customers close)",
            trigger: "button:contains('Close this ticket')",
            run: "click",
        },
        {
            content: "The close button is gone",
            trigger: "body:not(:has(button:contains('Close this ticket')))",
        },
    ],
});
