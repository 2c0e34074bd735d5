# Copyright 2026 CRM Suite
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from odoo import api, models
from odoo.tools import SQL

# One tag per kind of source row, the low bits of an interaction's id
# (id = source id x ID_FACTOR + tag). 1-8 are taken below; handoffs take 9,
# document shares 10 and downloads 11; an addon adding a source picks a free one.
ID_FACTOR = 64
TAG_MESSAGE = 1
TAG_TICKET_OPENED = 2
TAG_TICKET_CLOSED = 3
TAG_INVOICE = 4
TAG_PAYMENT = 5
TAG_TRACE_SENT = 6
TAG_TRACE_OPENED = 7
TAG_TRACE_CLICKED = 8

# the branches whose rows carry several tags (events unpivoted from one source
# row) name them by their first tag: {tag: family}; any other tag is its own
TAG_FAMILIES = {
    TAG_TICKET_CLOSED: TAG_TICKET_OPENED,
    TAG_TRACE_OPENED: TAG_TRACE_SENT,
    TAG_TRACE_CLICKED: TAG_TRACE_SENT,
}

# the mail.message types that are interactions (tracking notifications are not;
# an activity done is, whatever its type); mass mailings are their traces
MESSAGE_TYPES = ("email", "comment", "auto_comment")


class CrmInteractionSources(models.AbstractModel):
    """The sources of ``crm.interaction``, one overridable method each.

    ``_interaction_sources()`` maps a name to a method returning a list of
    ``(res_model, SQL)`` pairs: each SQL is one SELECT of the view's columns
    (built by ``_interaction_select``), with ``res_model`` a constant of it, so
    that the access filter (one condition per model) prunes whole branches.
    """

    _name = "crm.interaction.sources"
    _description = "Customer Interaction Sources"

    @api.model
    def _interaction_sources(self):
        return {
            "message": self._interaction_source_messages,
            "ticket": self._interaction_source_tickets,
            "campaign": self._interaction_source_mailing_traces,
        }

    @api.model
    def _interaction_document_models(self):
        """Documents whose chatter and mailings belong to a customer:
        ``{model: (partner column, salesperson column)}`` (the partner
        column ``id`` for the partner itself)."""
        return {
            "res.partner": ("id", "user_id"),
            "crm.lead": ("partner_id", "user_id"),
            "crm.ticket": ("partner_id", "user_id"),
            "account.move": ("partner_id", "invoice_user_id"),
        }

    @api.model
    def _interaction_tag_families(self):
        """``{tag: family}`` of the tags that share a branch."""
        return dict(TAG_FAMILIES)

    @api.model
    def _interaction_branches(self):
        """Every ``(res_model, SQL)`` branch of the view."""
        branches = []
        for method in self._interaction_sources().values():
            branches.extend(method())
        return branches

    @api.model
    def _interaction_models(self):
        return {res_model for res_model, _select in self._interaction_branches()}

    @api.model
    def _interaction_select(
        self,
        tag,
        source_id,
        *,
        partner,
        contact,
        channel,
        direction,
        date,
        summary,
        res_model,
        res_id,
        user,
        from_clause,
        where=None,
        family=None,
    ):
        """One SELECT of the view's columns, in their order; ``channel`` and
        ``direction`` are SQL expressions (or plain values). ``family`` is a
        constant of the branch (its tag unless its rows carry several), by
        which a read by ids reaches the right branches only."""

        def expression(value):
            return value if isinstance(value, SQL) else SQL("%s", value)

        return SQL(
            """SELECT (%(source_id)s)::bigint * %(factor)s + %(tag)s AS id,
                %(tag)s AS source_tag, %(family)s AS source_family,
                %(source_id)s AS source_id,
                %(partner)s AS partner_id, %(contact)s AS contact_id,
                (%(channel)s)::varchar AS channel,
                (%(direction)s)::varchar AS direction,
                (%(date)s)::timestamp AS date, (%(summary)s)::varchar AS summary,
                %(res_model)s::varchar AS res_model, %(res_id)s AS res_id,
                %(user)s AS user_id
            FROM %(from_clause)s%(where)s""",
            source_id=source_id,
            factor=ID_FACTOR,
            tag=tag,
            family=tag if family is None else family,
            partner=partner,
            contact=contact,
            channel=expression(channel),
            direction=expression(direction),
            date=date,
            summary=summary,
            res_model=res_model,
            res_id=res_id,
            user=user,
            from_clause=from_clause,
            where=SQL(" WHERE %s", where) if where else SQL(),
        )

    def _interaction_document_join(self, res_model, model_column, id_column):
        """``(FROM clause, record alias)``: the document ``res_model`` whose id
        is ``id_column`` where ``model_column`` names it, and its contact
        ``contact``."""
        partner_column, _user_column = self._interaction_document_models()[res_model]
        table = self.env[res_model]._table
        if res_model == "res.partner":
            return (
                SQL(
                    "res_partner contact"
                    " ON contact.id = %(id)s AND %(model)s = %(name)s",
                    id=id_column,
                    model=model_column,
                    name=res_model,
                ),
                SQL.identifier("contact"),
            )
        return (
            SQL(
                """%(table)s rec ON rec.id = %(id)s AND %(model)s = %(name)s
                JOIN res_partner contact ON contact.id = rec.%(partner)s""",
                table=SQL.identifier(table),
                id=id_column,
                model=model_column,
                name=res_model,
                partner=SQL.identifier(partner_column),
            ),
            SQL.identifier("rec"),
        )

    # ------------------------------------------------------------
    # Sources
    # ------------------------------------------------------------

    @api.model
    def _interaction_source_messages(self):
        """Emails in and out, notes and activities done on the customer's
        documents. An email whose author belongs to the customer is inbound,
        and so is an email received (``message_type`` ``email``) from anyone
        but an employee (an unknown sender included); any other is outbound.
        A note (an internal subtype) is internal; an activity done maps by its
        type's category, never its name."""
        branches = []
        for res_model in self._interaction_document_models():
            join, _rec = self._interaction_document_join(
                res_model, SQL("m.model"), SQL("m.res_id")
            )
            from_inbound = SQL(
                """(COALESCE(author.commercial_partner_id
                        = contact.commercial_partner_id, FALSE)
                    OR (m.message_type = 'email' AND NOT EXISTS(
                        SELECT 1 FROM res_users employee
                        WHERE employee.partner_id = m.author_id
                            AND employee.share IS NOT TRUE)))"""
            )
            is_note = SQL(
                "(m.message_type = 'comment' AND (m.is_internal OR subtype.internal"
                " OR m.subtype_id IS NULL))"
            )
            channel = SQL(
                """CASE WHEN m.mail_activity_type_id IS NOT NULL THEN
                    CASE activity_type.category WHEN 'phonecall' THEN 'call'
                        WHEN 'meeting' THEN 'meeting' ELSE 'activity' END
                WHEN %(is_note)s THEN 'note' ELSE 'email' END""",
                is_note=is_note,
            )
            direction = SQL(
                """CASE WHEN m.mail_activity_type_id IS NOT NULL THEN
                    CASE WHEN activity_type.category IN ('phonecall', 'meeting')
                        THEN 'outbound' ELSE 'internal' END
                WHEN %(is_note)s THEN 'internal'
                WHEN %(inbound)s THEN 'inbound' ELSE 'outbound' END""",
                is_note=is_note,
                inbound=SQL("COALESCE(%s, FALSE)", from_inbound),
            )
            branches.append(
                (
                    res_model,
                    self._interaction_select(
                        TAG_MESSAGE,
                        SQL("m.id"),
                        partner=SQL("contact.commercial_partner_id"),
                        contact=SQL(
                            """CASE WHEN %s THEN COALESCE(m.author_id, contact.id)
                                ELSE contact.id END""",
                            SQL("COALESCE(%s, FALSE)", from_inbound),
                        ),
                        channel=channel,
                        direction=direction,
                        date=SQL("m.date"),
                        summary=SQL(
                            """COALESCE(NULLIF(m.subject, ''), NULLIF(left(btrim(
                                regexp_replace(left(m.body, 600), '<[^>]*>|&nbsp;',
                                ' ', 'g')), 200), ''), activity_type.name->>'en_US',
                                m.record_name)"""
                        ),
                        res_model=SQL("%s", res_model),
                        res_id=SQL("m.res_id"),
                        # the employee who wrote it (none for the customer's)
                        user=SQL(
                            """CASE WHEN %s THEN NULL ELSE COALESCE(
                                (SELECT min(u.id) FROM res_users u
                                 WHERE u.partner_id = m.author_id), m.create_uid)
                            END""",
                            SQL("COALESCE(%s, FALSE)", from_inbound),
                        ),
                        from_clause=SQL(
                            """mail_message m JOIN %(join)s
                            LEFT JOIN res_partner author ON author.id = m.author_id
                            LEFT JOIN mail_message_subtype subtype
                                ON subtype.id = m.subtype_id
                            LEFT JOIN mail_activity_type activity_type
                                ON activity_type.id = m.mail_activity_type_id""",
                            join=join,
                        ),
                        where=SQL(
                            "(m.message_type IN %s"
                            " OR m.mail_activity_type_id IS NOT NULL)",
                            MESSAGE_TYPES,
                        ),
                    ),
                )
            )
        return branches

    @api.model
    def _interaction_source_tickets(self):
        """A ticket opened (inbound, its creation) and closed (outbound): one
        branch, its two events unpivoted."""
        return [
            (
                "crm.ticket",
                self._interaction_select(
                    SQL("event.tag"),
                    SQL("t.id"),
                    partner=SQL("contact.commercial_partner_id"),
                    contact=SQL("t.partner_id"),
                    channel="ticket",
                    direction=SQL("event.direction"),
                    date=SQL("event.date"),
                    summary=SQL("concat_ws(' ', t.number, t.name)"),
                    res_model=SQL("%s", "crm.ticket"),
                    res_id=SQL("t.id"),
                    user=SQL("t.user_id"),
                    from_clause=SQL(
                        """crm_ticket t
                        JOIN res_partner contact ON contact.id = t.partner_id
                        CROSS JOIN LATERAL (VALUES
                            (%(opened)s, 'inbound', t.create_date),
                            (%(closed)s, 'outbound', t.close_date)
                        ) AS event(tag, direction, date)""",
                        opened=TAG_TICKET_OPENED,
                        closed=TAG_TICKET_CLOSED,
                    ),
                    where=SQL("event.date IS NOT NULL"),
                    family=TAG_TICKET_OPENED,
                ),
            )
        ]

    @api.model
    def _interaction_source_mailing_traces(self):
        """Campaign and drip emails sent (outbound), opened and clicked
        (inbound), on the customer's documents: one branch per document
        model, its three events unpivoted."""
        branches = []
        document_models = self._interaction_document_models()
        for res_model, (_partner, user_column) in document_models.items():
            join, rec = self._interaction_document_join(
                res_model, SQL("tr.model"), SQL("tr.res_id")
            )
            branches.append(
                (
                    res_model,
                    self._interaction_select(
                        SQL("event.tag"),
                        SQL("tr.id"),
                        partner=SQL("contact.commercial_partner_id"),
                        contact=SQL("contact.id"),
                        channel="campaign",
                        direction=SQL("event.direction"),
                        date=SQL("event.date"),
                        summary=SQL("COALESCE(NULLIF(mailing.subject, ''), tr.email)"),
                        res_model=SQL("%s", res_model),
                        res_id=SQL("tr.res_id"),
                        user=SQL(
                            "COALESCE(mailing.user_id, %s.%s)",
                            rec,
                            SQL.identifier(user_column),
                        ),
                        from_clause=SQL(
                            """mailing_trace tr JOIN %(join)s
                            LEFT JOIN mailing_mailing mailing
                                ON mailing.id = tr.mass_mailing_id
                            CROSS JOIN LATERAL (VALUES
                                (%(sent)s, 'outbound', tr.sent_datetime),
                                (%(opened)s, 'inbound', tr.open_datetime),
                                (%(clicked)s, 'inbound', tr.links_click_datetime)
                            ) AS event(tag, direction, date)""",
                            join=join,
                            sent=TAG_TRACE_SENT,
                            opened=TAG_TRACE_OPENED,
                            clicked=TAG_TRACE_CLICKED,
                        ),
                        where=SQL("tr.trace_type = 'mail' AND event.date IS NOT NULL"),
                        family=TAG_TRACE_SENT,
                    ),
                )
            )
        return branches
