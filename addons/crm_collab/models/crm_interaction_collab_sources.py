# Copyright 2026 CRM Suite
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from odoo import api, models
from odoo.tools import SQL

# the tags of crm_collab's own sources (see crm_interaction_sources.py); a
# download and an upload through a share are one branch (the access log)
TAG_HANDOFF = 9
TAG_SHARE = 10
TAG_SHARE_DOWNLOAD = 11
TAG_SHARE_UPLOAD = 12
TAG_REQUEST_UPLOAD = 13


class CrmInteractionCollabSources(models.AbstractModel):
    """crm_collab's own sources of ``crm.interaction``: handoffs, document
    shares, downloads and uploads. ``crm.interaction`` inherits it before
    ``crm.interaction.sources`` (its methods first, their ``super()`` the
    sources'), so each branch is overridable like the others.

    Every branch's ``res_model`` is the record whose rules decide who sees it:
    the handoff (sent, received, administrators), the share link and its
    access log (own links, administrators), the document request (own or of
    the folders the user sees), all bound to the user's companies."""

    _name = "crm.interaction.collab.sources"
    _description = "Customer Interaction Sources (collaboration)"

    @api.model
    def _interaction_sources(self):
        return {
            **super()._interaction_sources(),
            "handoff": self._interaction_source_handoffs,
            "document_share": self._interaction_source_document_shares,
            "document_access": self._interaction_source_document_accesses,
            "document_request": self._interaction_source_document_requests,
        }

    @api.model
    def _interaction_tag_families(self):
        return {
            **super()._interaction_tag_families(),
            TAG_SHARE_UPLOAD: TAG_SHARE_DOWNLOAD,
        }

    @api.model
    def _interaction_source_handoffs(self):
        """A handoff created (internal), about the customer, on its creation."""
        return [
            (
                "crm.handoff",
                self._interaction_select(
                    TAG_HANDOFF,
                    SQL("h.id"),
                    partner=SQL("contact.commercial_partner_id"),
                    contact=SQL("h.partner_id"),
                    channel="handoff",
                    direction="internal",
                    date=SQL("h.create_date"),
                    summary=SQL(
                        "concat_ws(' → ', h.name, COALESCE(receiver_partner.name,"
                        " team.name->>'en_US', ticket_team.name->>'en_US'))"
                    ),
                    res_model=SQL("%s", "crm.handoff"),
                    res_id=SQL("h.id"),
                    user=SQL("COALESCE(h.from_user_id, h.create_uid)"),
                    from_clause=SQL(
                        """crm_handoff h
                        JOIN res_partner contact ON contact.id = h.partner_id
                        LEFT JOIN res_users receiver ON receiver.id = h.to_user_id
                        LEFT JOIN res_partner receiver_partner
                            ON receiver_partner.id = receiver.partner_id
                        LEFT JOIN crm_team team ON team.id = h.to_team_id
                        LEFT JOIN crm_ticket_team ticket_team
                            ON ticket_team.id = h.to_ticket_team_id"""
                    ),
                ),
            )
        ]

    @api.model
    def _interaction_source_document_shares(self):
        """A share link created for the customer (outbound), on its creation."""
        return [
            (
                "crm.document.share",
                self._interaction_select(
                    TAG_SHARE,
                    SQL("s.id"),
                    partner=SQL("contact.commercial_partner_id"),
                    contact=SQL("s.partner_id"),
                    channel="document",
                    direction="outbound",
                    date=SQL("s.create_date"),
                    summary=SQL("s.name"),
                    res_model=SQL("%s", "crm.document.share"),
                    res_id=SQL("s.id"),
                    user=SQL("s.user_id"),
                    from_clause=SQL(
                        "crm_document_share s"
                        " JOIN res_partner contact ON contact.id = s.partner_id"
                    ),
                ),
            )
        ]

    @api.model
    def _interaction_source_document_accesses(self):
        """A file the customer fetched or sent through a share link (inbound):
        the access log's served downloads and uploads only, on their date."""
        return [
            (
                "crm.document.share.log",
                self._interaction_select(
                    SQL(
                        "CASE log.action WHEN 'download' THEN %s ELSE %s END",
                        TAG_SHARE_DOWNLOAD,
                        TAG_SHARE_UPLOAD,
                    ),
                    SQL("log.id"),
                    partner=SQL("contact.commercial_partner_id"),
                    contact=SQL("s.partner_id"),
                    channel="document",
                    direction="inbound",
                    date=SQL("log.date"),
                    summary=SQL(
                        "COALESCE(doc.name, NULLIF(log.file_name, ''), s.name)"
                    ),
                    res_model=SQL("%s", "crm.document.share.log"),
                    res_id=SQL("log.id"),
                    user=SQL("s.user_id"),
                    from_clause=SQL(
                        """crm_document_share_log log
                        JOIN crm_document_share s ON s.id = log.share_id
                        JOIN res_partner contact ON contact.id = s.partner_id
                        LEFT JOIN crm_document doc ON doc.id = log.document_id"""
                    ),
                    where=SQL(
                        "log.action IN ('download', 'upload') AND log.outcome = 'ok'"
                    ),
                    family=TAG_SHARE_DOWNLOAD,
                ),
            )
        ]

    @api.model
    def _interaction_source_document_requests(self):
        """A file the customer sent for a document request (inbound), on the
        document's creation."""
        return [
            (
                "crm.document.request",
                self._interaction_select(
                    TAG_REQUEST_UPLOAD,
                    SQL("req.id"),
                    partner=SQL("contact.commercial_partner_id"),
                    contact=SQL("req.partner_id"),
                    channel="document",
                    direction="inbound",
                    date=SQL("doc.create_date"),
                    summary=SQL("concat_ws(': ', req.name, doc.name)"),
                    res_model=SQL("%s", "crm.document.request"),
                    res_id=SQL("req.id"),
                    user=SQL("req.user_id"),
                    from_clause=SQL(
                        """crm_document_request req
                        JOIN crm_document doc ON doc.id = req.document_id
                        JOIN res_partner contact ON contact.id = req.partner_id"""
                    ),
                ),
            )
        ]
