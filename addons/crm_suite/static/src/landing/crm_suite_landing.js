/** @odoo-module **/
import {Component} from "@odoo/owl";
import {registry} from "@web/core/registry";
import {useService} from "@web/core/utils/hooks";

/**
 * An app's landing page while its features are still to come: what it is for, what
 * can be used today and what will follow. Each app registers its page in
 * ``crm_suite.landing_pages`` under the name its client action passes as
 * ``params.page``: a function returning ``{title, intro, available, upcoming}``
 * (``available``: ``[{label, action}]`` with an action's XML id).
 */
export const landingPages = registry.category("crm_suite.landing_pages");

export class CrmSuiteLanding extends Component {
    static template = "crm_suite.Landing";
    static props = ["*"];

    setup() {
        this.actionService = useService("action");
        const name = this.props.action.params?.page;
        this.page = landingPages.contains(name) ? landingPages.get(name)() : null;
    }

    openAction(link) {
        return this.actionService.doAction(link.action);
    }
}

registry.category("actions").add("crm_suite_landing", CrmSuiteLanding);
