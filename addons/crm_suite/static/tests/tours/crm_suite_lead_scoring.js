/** @odoo-module **/
import {registry} from "@web/core/registry";

// A sales administrator writes a fit rule, then reads why a lead scores what it does.
registry.category("web_tour.tours").add("crm_suite_lead_scoring", {
    url: "/odoo/action-crm_suite.crm_score_rule_action",
    steps: () => [
        {
            content: "Create a scoring rule",
            trigger: ".o_list_button_add",
            run: "click",
        },
        {
            content: "Name it",
            trigger: ".o_field_widget[name='name'] input",
            run: "edit Tour: every lead",
        },
        {
            content: "Give it points",
            trigger: ".o_field_widget[name='points'] input",
            run: "edit 17",
        },
        {
            content: "Save",
            trigger: ".o_form_button_save",
            run: "click",
        },
        {
            content: "The rule is saved",
            trigger: ".o_breadcrumb .active:contains('Tour: every lead')",
        },
        {
            content: "The live count of matching leads is shown",
            trigger:
                ".oe_stat_button[name='action_view_leads'] .o_stat_text:contains('Open Leads Now')",
        },
        {
            content: "Open the matching leads",
            trigger: ".oe_stat_button[name='action_view_leads']",
            run: "click",
        },
        {
            content: "Open the tour's lead",
            trigger: ".o_data_row .o_data_cell:contains('Tour scoring lead')",
            run: "click",
        },
        {
            content: "Open the 'Why this score?' tab",
            trigger: ".o_notebook .nav-link:contains('Why this score?')",
            run: "click",
        },
        {
            content: "The tour's rule is one of the lead's score lines",
            trigger:
                ".o_field_widget[name='score_line_ids'] .o_data_cell:contains('Tour: every lead')",
        },
    ],
});
