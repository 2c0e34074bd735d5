/** @odoo-module **/
import {
    Component,
    onMounted,
    onWillStart,
    onWillUnmount,
    useRef,
    useState,
} from "@odoo/owl";
import {deserializeDateTime, formatDateTime} from "@web/core/l10n/dates";
import {_t} from "@web/core/l10n/translation";
import {registry} from "@web/core/registry";
import {useService} from "@web/core/utils/hooks";
import {formatMonetary} from "@web/views/fields/formatters";

const MODEL = "crm.interaction";
const ICONS = {
    email: "fa-envelope",
    note: "fa-sticky-note",
    call: "fa-phone",
    meeting: "fa-users",
    activity: "fa-check-square-o",
    ticket: "fa-life-ring",
    invoice: "fa-file-text-o",
    payment: "fa-money",
    campaign: "fa-bullhorn",
    document: "fa-file",
    handoff: "fa-exchange",
};

/**
 * The customer 360 screen: a header with the customer's key figures and the
 * timeline of every interaction, newest first, filtered by channel, direction
 * and period, loaded page by page as the user scrolls. Two RPCs feed it
 * (``crm.interaction.get_customer_360`` and ``get_timeline``), both read with
 * the user's rights; each item opens its source record.
 */
export class CrmCustomer360 extends Component {
    static template = "crm_collab.Customer360";
    static props = ["*"];

    setup() {
        this.orm = useService("orm");
        this.actionService = useService("action");
        this.scrollRef = useRef("scroll");
        this.sentinelRef = useRef("sentinel");
        const params = this.props.action.params || {};
        const context = this.props.action.context || {};
        this.partnerId = params.partner_id || context.active_id;
        this.requestId = 0;
        this.state = useState({
            data: null,
            items: [],
            hasMore: false,
            loading: false,
            channels: [],
            directions: [],
            period: "all",
        });
        onWillStart(async () => {
            this.state.data = await this.orm.call(MODEL, "get_customer_360", [
                this.partnerId,
            ]);
            await this.loadPage(true);
        });
        onMounted(() => {
            this.observer = new IntersectionObserver(
                (entries) => {
                    if (entries.some((entry) => entry.isIntersecting)) {
                        this.loadMore();
                    }
                },
                {root: this.scrollRef.el}
            );
            if (this.sentinelRef.el) {
                this.observer.observe(this.sentinelRef.el);
            }
        });
        onWillUnmount(() => this.observer && this.observer.disconnect());
    }

    // ----- data -----

    async loadPage(reset = false) {
        // a new filter always asks; scrolling waits for the page in flight
        if (!reset && this.state.loading) {
            return;
        }
        const request = ++this.requestId;
        this.state.loading = true;
        try {
            const offset = reset ? 0 : this.state.items.length;
            const page = await this.orm.call(MODEL, "get_timeline", [this.partnerId], {
                channels: this.state.channels,
                directions: this.state.directions,
                period: this.state.period,
                offset,
                limit: this.state.data.page_size,
            });
            if (request !== this.requestId) {
                // the filters changed meanwhile: a newer answer is on its way
                return;
            }
            this.state.items = reset
                ? page.items
                : [...this.state.items, ...page.items];
            this.state.hasMore = page.has_more;
        } finally {
            if (request === this.requestId) {
                this.state.loading = false;
            }
        }
    }

    loadMore() {
        if (this.state.hasMore && !this.state.loading) {
            return this.loadPage(false);
        }
    }

    // ----- filters -----

    toggle(listName, key) {
        const list = this.state[listName];
        this.state[listName] = list.includes(key)
            ? list.filter((value) => value !== key)
            : [...list, key];
        return this.loadPage(true);
    }

    setPeriod(ev) {
        this.state.period = ev.target.value;
        return this.loadPage(true);
    }

    clearFilters() {
        this.state.channels = [];
        this.state.directions = [];
        this.state.period = "all";
        return this.loadPage(true);
    }

    get periods() {
        return [
            ["all", _t("All time")],
            ["7", _t("Last 7 days")],
            ["30", _t("Last 30 days")],
            ["90", _t("Last 90 days")],
            ["365", _t("Last 12 months")],
        ];
    }

    // ----- formatting -----

    figure(value) {
        return value === null || value === undefined ? "-" : String(value);
    }

    money(value) {
        if (value === null || value === undefined) {
            return "-";
        }
        return formatMonetary(value, {currencyId: this.state.data.figures.currency_id});
    }

    dateTime(value) {
        return value ? formatDateTime(deserializeDateTime(value)) : "-";
    }

    label(selection, key) {
        const found = selection.find((item) => item[0] === key);
        return found ? found[1] : key;
    }

    itemLine(item) {
        const channel = this.label(this.state.data.channels, item.channel);
        const parts = [
            item.event ? `${channel} (${item.event})` : channel,
            this.label(this.state.data.directions, item.direction),
            item.contact,
            item.user,
        ];
        return parts.filter(Boolean).join(" · ");
    }

    icon(channel) {
        return ICONS[channel] || "fa-circle";
    }

    // ----- navigation -----

    openItem(item) {
        return this.actionService.doAction({
            type: "ir.actions.act_window",
            res_model: item.res_model,
            res_id: item.res_id,
            views: [[false, "form"]],
            target: "current",
        });
    }

    openPartner() {
        return this.actionService.doAction({
            type: "ir.actions.act_window",
            res_model: "res.partner",
            res_id: this.state.data.partner.id,
            views: [[false, "form"]],
            target: "current",
        });
    }
}

registry.category("actions").add("crm_collab_customer_360", CrmCustomer360);
