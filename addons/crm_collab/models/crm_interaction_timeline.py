# Copyright 2026 CRM Suite
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from datetime import timedelta

from dateutil.relativedelta import relativedelta

from odoo import api, fields, models
from odoo.exceptions import UserError

from .crm_interaction_sources import (
    TAG_TICKET_CLOSED,
    TAG_TICKET_OPENED,
    TAG_TRACE_CLICKED,
    TAG_TRACE_OPENED,
    TAG_TRACE_SENT,
)

PAGE_SIZE = 80
MAX_PAGE_SIZE = 200
# the period filter of the 360 screen: days back from now (0: all time)
PERIODS = {"all": 0, "7": 7, "30": 30, "90": 90, "365": 365}


class CrmInteractionTimeline(models.AbstractModel):
    """What the customer 360 screen calls: the header's key figures and the
    timeline's pages, read with the caller's rights (a figure the caller
    may not read is ``None``, never computed as superuser)."""

    _name = "crm.interaction.timeline"
    _description = "Customer 360 Data"

    # ------------------------------------------------------------
    # Public (RPC)
    # ------------------------------------------------------------

    @api.model
    def get_customer_360(self, partner_id):
        """The customer's card and key figures."""
        partner = self._customer_360_partner(partner_id)
        return {
            "partner": {
                "id": partner.id,
                "name": partner.display_name,
                "email": partner.email or "",
                "phone": partner.phone or "",
                "is_company": partner.is_company,
            },
            "figures": self._customer_360_figures(partner),
            "channels": self._fields_selection("channel"),
            "directions": self._fields_selection("direction"),
            "page_size": PAGE_SIZE,
        }

    @api.model
    def get_timeline(
        self,
        partner_id,
        channels=None,
        directions=None,
        period="all",
        offset=0,
        limit=PAGE_SIZE,
    ):
        """One page of the customer's timeline, newest first: ``{"items":
        [...], "has_more": bool}``; filters by channels, directions and a
        period (``all``, ``7``, ``30``, ``90``, ``365`` days)."""
        partner = self._customer_360_partner(partner_id)
        domain = self._timeline_domain(partner, channels, directions, period)
        try:
            offset = max(0, int(offset or 0))
            limit = min(MAX_PAGE_SIZE, max(1, int(limit or PAGE_SIZE)))
        except (TypeError, ValueError) as error:
            raise UserError(
                self.env._("The page of the timeline must be given as numbers.")
            ) from error
        # the page's ids first (the view computes no summary for the rows it
        # skips), then its fields by the sources' own ids
        records = self.env["crm.interaction"].search(
            domain, offset=offset, limit=limit + 1
        )
        records[:limit].fetch(
            [
                "date",
                "channel",
                "direction",
                "summary",
                "res_model",
                "res_id",
                "contact_id",
                "user_id",
                "source_tag",
            ]
        )
        events = self._interaction_event_labels()
        page = records[:limit]
        return {
            "items": [
                {
                    "id": record.id,
                    "date": fields.Datetime.to_string(record.date),
                    "channel": record.channel,
                    "direction": record.direction,
                    "summary": record.summary or "",
                    "res_model": record.res_model,
                    "res_id": record.res_id,
                    "contact": record.contact_id.display_name or "",
                    "user": record.user_id.display_name or "",
                    "event": events.get(record.source_tag, ""),
                }
                for record in page
            ],
            "has_more": len(records) > limit,
        }

    # ------------------------------------------------------------
    # Private
    # ------------------------------------------------------------

    @api.model
    def _customer_360_action(self, partner):
        """The client action of the customer 360 screen of ``partner``."""
        if not partner:
            raise UserError(self.env._("Set a customer first to see their 360 view."))
        commercial = partner.commercial_partner_id
        return {
            "type": "ir.actions.client",
            "tag": "crm_collab_customer_360",
            "name": self.env._("%(customer)s: 360", customer=commercial.display_name),
            "params": {"partner_id": commercial.id},
            "context": {"active_id": commercial.id},
        }

    def _interaction_event_labels(self):
        """What happened, for the sources with several events: ``{tag: label}``."""
        return {
            TAG_TICKET_OPENED: self.env._("Opened"),
            TAG_TICKET_CLOSED: self.env._("Closed"),
            TAG_TRACE_SENT: self.env._("Sent"),
            TAG_TRACE_OPENED: self.env._("Opened"),
            TAG_TRACE_CLICKED: self.env._("Clicked"),
        }

    def _fields_selection(self, field_name):
        field = self.env["crm.interaction"]._fields[field_name]
        return [list(item) for item in field._description_selection(self.env)]

    def _customer_360_partner(self, partner_id):
        """The commercial entity of ``partner_id``, once the caller's rights
        on the timeline and on that partner are checked."""
        self.env["crm.interaction"].browse().check_access("read")
        try:
            partner = self.env["res.partner"].browse(int(partner_id))
        except (TypeError, ValueError) as error:
            raise UserError(self.env._("Choose a customer to open.")) from error
        if not partner.exists():
            raise UserError(self.env._("This customer no longer exists."))
        partner.check_access("read")
        commercial = partner.commercial_partner_id
        commercial.check_access("read")
        return commercial

    def _timeline_domain(self, partner, channels, directions, period):
        domain = [("partner_id", "=", partner.id)]
        for field_name, values in (("channel", channels), ("direction", directions)):
            if not values:
                continue
            allowed = {key for key, _label in self._fields_selection(field_name)}
            if not isinstance(values, list | tuple) or not set(values) <= allowed:
                raise UserError(
                    self.env._(
                        "Unknown %(filter)s in the timeline's filter: choose among "
                        "%(allowed)s.",
                        filter=field_name,
                        allowed=", ".join(sorted(allowed)),
                    )
                )
            domain.append((field_name, "in", list(values)))
        if str(period or "all") not in PERIODS:
            raise UserError(
                self.env._(
                    "Unknown period %(period)s: choose among %(allowed)s.",
                    period=period,
                    allowed=", ".join(PERIODS),
                )
            )
        days = PERIODS[str(period or "all")]
        if days:
            domain.append(("date", ">=", fields.Datetime.now() - timedelta(days=days)))
        return domain

    def _customer_360_figures(self, partner):
        """Open leads, open tickets, revenue of the last 12 months, overdue
        amount, last contact and the score band of the best open lead, each
        read as the caller."""
        today = fields.Date.context_today(self)
        company = self.env.company
        figures = {
            "open_leads": None,
            "best_band": None,
            "best_band_label": None,
            "best_score": None,
            "open_tickets": None,
            "revenue_12m": None,
            "overdue": None,
            "currency_id": company.currency_id.id,
            "last_contact": None,
        }
        Lead = self.env["crm.lead"]
        if Lead.browse().has_access("read"):
            lead_domain = [
                ("partner_id.commercial_partner_id", "=", partner.id),
                ("stage_id.is_won", "=", False),
            ]
            figures["open_leads"] = Lead.search_count(lead_domain)
            best = Lead.search_fetch(
                lead_domain, ["score", "score_band"], order="score desc, id", limit=1
            )
            figures["best_band"] = best.score_band or None
            # the band's label in the user's language, as the lead form shows it
            bands = dict(Lead._fields["score_band"]._description_selection(self.env))
            figures["best_band_label"] = bands.get(best.score_band) or None
            figures["best_score"] = best.score if best else None
        Ticket = self.env["crm.ticket"]
        if Ticket.browse().has_access("read"):
            figures["open_tickets"] = Ticket.search_count(
                [("commercial_partner_id", "=", partner.id), ("is_closed", "=", False)]
            )
        Move = self.env["account.move"]
        if Move.browse().has_access("read"):
            invoices = [
                ("commercial_partner_id", "=", partner.id),
                ("company_id", "=", company.id),
                ("move_type", "in", ("out_invoice", "out_refund")),
                ("state", "=", "posted"),
            ]
            [(revenue,)] = Move._read_group(
                [*invoices, ("invoice_date", ">", today - relativedelta(months=12))],
                aggregates=["amount_untaxed_signed:sum"],
            )
            # overdue as profitability defines it (FEATURES.md): the open
            # amount of invoices AND credit notes due before today, so an
            # unpaid credit note nets the invoice it refunds
            [(overdue,)] = Move._read_group(
                [*invoices, ("invoice_date_due", "<", today)],
                aggregates=["amount_residual_signed:sum"],
            )
            figures["revenue_12m"] = revenue or 0.0
            figures["overdue"] = overdue or 0.0
        last = self.env["crm.interaction"].search_fetch(
            [
                ("partner_id", "=", partner.id),
                ("direction", "in", ("inbound", "outbound")),
            ],
            ["date"],
            limit=1,
        )
        figures["last_contact"] = fields.Datetime.to_string(last.date) if last else None
        return figures
