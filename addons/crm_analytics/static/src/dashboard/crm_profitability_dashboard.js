/** @odoo-module **/
import {Component, onWillStart, useState} from "@odoo/owl";
import {deserializeDate, formatDate} from "@web/core/l10n/dates";
import {_t} from "@web/core/l10n/translation";
import {registry} from "@web/core/registry";
import {useService} from "@web/core/utils/hooks";
import {formatFloat, formatMonetary} from "@web/views/fields/formatters";

const MODEL = "crm.customer.profitability";

/**
 * The manager dashboard, the first screen of CRM Analytics: the best and worst
 * customers of the latest daily period by profit, the grade mix, the overdue and
 * the posted revenue of the last 12 months. One RPC
 * (``crm.customer.profitability.get_dashboard_data``) feeds it; every block opens
 * the records behind it. Numbers and dates follow the user's language.
 */
export class CrmProfitabilityDashboard extends Component {
    static template = "crm_analytics.ProfitabilityDashboard";
    static props = ["*"];

    setup() {
        this.orm = useService("orm");
        this.actionService = useService("action");
        this.notification = useService("notification");
        this.state = useState({data: null, computing: false});
        onWillStart(() => this.load());
    }

    async load() {
        this.state.data = await this.orm.call(MODEL, "get_dashboard_data", []);
    }

    // ----- formatting (the user's language, the company currency) -----

    money(value) {
        return formatMonetary(value, {currencyId: this.state.data.currency_id});
    }

    number(value, digits = 0) {
        return formatFloat(value, {digits: [16, digits]});
    }

    date(value) {
        return formatDate(deserializeDate(value));
    }

    monthLabel(value) {
        return deserializeDate(value).toFormat("MMM yyyy");
    }

    get trendMax() {
        const values = (this.state.data.revenue_trend || []).map((m) =>
            Math.abs(m.revenue)
        );
        return Math.max(1, ...values);
    }

    barHeight(month) {
        return `${Math.round((100 * Math.abs(month.revenue)) / this.trendMax)}%`;
    }

    get gradeTotal() {
        return Math.max(
            1,
            this.state.data.grade_mix.reduce((total, g) => total + g.count, 0)
        );
    }

    gradeWidth(grade) {
        return `${(100 * grade.count) / this.gradeTotal}%`;
    }

    // ----- navigation -----

    openRecords(name, domain, context = {}) {
        return this.actionService.doAction({
            type: "ir.actions.act_window",
            name,
            res_model: MODEL,
            views: [
                [false, "list"],
                [false, "pivot"],
                [false, "graph"],
                [false, "form"],
            ],
            domain,
            context,
        });
    }

    openAll() {
        return this.openRecords(_t("Customer Profitability"), this.state.data.domain);
    }

    openGrade(grade) {
        return this.openRecords(_t("Grade %s", grade.grade), [
            ...this.state.data.domain,
            ["grade", "=", grade.grade],
        ]);
    }

    openOverdue() {
        return this.openRecords(_t("Overdue customers"), [
            ...this.state.data.domain,
            ["overdue_amount", ">", 0],
        ]);
    }

    openRow(row) {
        return this.actionService.doAction({
            type: "ir.actions.act_window",
            res_model: MODEL,
            res_id: row.id,
            views: [[false, "form"]],
        });
    }

    openPartner(row) {
        return this.actionService.doAction({
            type: "ir.actions.act_window",
            res_model: "res.partner",
            res_id: row.partner_id,
            views: [[false, "form"]],
        });
    }

    openMonth(month) {
        return this.actionService.doAction({
            type: "ir.actions.act_window",
            name: _t("Invoice Analysis"),
            res_model: "account.invoice.report",
            views: [
                [false, "pivot"],
                [false, "list"],
            ],
            domain: [
                ["company_id", "=", this.state.data.company_id],
                ["state", "=", "posted"],
                ["move_type", "in", ["out_invoice", "out_refund"]],
                ["invoice_date", ">=", month.date_from],
                ["invoice_date", "<=", month.date_to],
            ],
            context: {group_by: ["partner_id"]},
        });
    }

    async computeNow() {
        this.state.computing = true;
        try {
            await this.orm.call(MODEL, "action_dashboard_compute", []);
            await this.load();
        } finally {
            this.state.computing = false;
        }
    }
}

registry
    .category("actions")
    .add("crm_profitability_dashboard", CrmProfitabilityDashboard);
