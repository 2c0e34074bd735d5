# Copyright 2026 CRM Suite
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from odoo import models
from odoo.exceptions import AccessError
from odoo.osv import expression

# what customers never search tickets by: the chatter (internal notes,
# followers, files), the agents' activities and the ratings. Searching
# through these joins their tables in SQL (``auto_join``), past the rules
# that hide internal messages from customers.
PORTAL_HIDDEN_COMODELS = frozenset(
    {
        "mail.message",
        "mail.followers",
        "mail.notification",
        "mail.activity",
        "mail.tracking.value",
        "rating.rating",
        "ir.attachment",
    }
)
# searchable computed fields of the mixins that reach the same tables
PORTAL_HIDDEN_FIELDS = frozenset(
    {"message_partner_ids", "activity_exception_decoration"}
)


class CrmTicketPortalMixin(models.AbstractModel):
    """What customers (portal users, token holders) may search tickets by, and
    see of a ticket's files (inherited by ``crm.ticket``, before
    ``mail.thread``)."""

    _name = "crm.ticket.portal.mixin"
    _description = "Ticket Portal Access"

    # ------------------------------------------------------------
    # What customers may search by
    # ------------------------------------------------------------

    def _portal_search_guarded(self):
        return not self.env.su and not self.env.user._is_internal()

    def _portal_check_path(self, path, model=None, auto_join=True):
        """Refuse a field path (``partner_id.message_ids.body``) of which a
        step is a chatter-like relation (see PORTAL_HIDDEN_COMODELS), an
        ``auto_join`` relation (unless ``auto_join`` is False), or a related
        field that goes through one. Return the model the path ends on (for
        an ``any`` subdomain)."""
        model = self if model is None else model
        names = path.split(".") if isinstance(path, str) else []
        depth = 0
        while names:
            name = names.pop(0)
            field = model._fields.get(name)
            if field is None:
                # Odoo refuses an unknown field (or a property's name) itself
                return None
            depth += 1
            if depth > 20:
                break
            # a field of a group the user is not in (the searchable computed
            # fields of the mixins are not checked by Odoo itself)
            model.check_field_access_rights("read", [name])
            if (
                name in PORTAL_HIDDEN_FIELDS
                or field.comodel_name in PORTAL_HIDDEN_COMODELS
                or (auto_join and field.relational and field.auto_join)
            ):
                raise AccessError(
                    self.env._(
                        "You may not search or sort tickets by %(field)s: "
                        "search by their number, subject, description or "
                        "stage instead.",
                        field=field.string,
                    )
                )
            if field.related and not field.store:
                # a related field is searched as its path, in the same query
                names = list(field.related.split(".")) + names
                continue
            model = model.env[field.comodel_name] if field.relational else None
            if model is None:
                return None
        return model

    def _portal_check_domain(self, domain, model=None, auto_join=True):
        model = self if model is None else model
        for leaf in expression.normalize_domain(domain or []):
            if not isinstance(leaf, list | tuple) or len(leaf) != 3:
                continue
            path, operator, value = leaf
            if not isinstance(path, str):
                continue
            comodel = self._portal_check_path(path, model, auto_join)
            if (
                comodel is not None
                and isinstance(operator, str)
                and operator.lower() in ("any", "not any")
                and isinstance(value, list | tuple)
            ):
                self._portal_check_domain(value, comodel, auto_join)

    def _portal_check_order(self, order):
        for term in (order or "").split(","):
            words = term.strip().split()
            if words:
                self._portal_check_path(words[0].split(":")[0].strip('"'))

    def _search(self, domain, offset=0, limit=None, order=None):
        # customers (portal users, token holders) only: agents search the
        # chatter of the tickets they see as usual
        if self._portal_search_guarded():
            self._portal_check_domain(domain)
            self._portal_check_order(order)
        return super()._search(domain, offset=offset, limit=limit, order=order)

    def _read_group(
        self,
        domain,
        groupby=(),
        aggregates=(),
        having=(),
        offset=0,
        limit=None,
        order=None,
    ):
        if self._portal_search_guarded():
            for spec in (*groupby, *aggregates):
                self._portal_check_path(spec.split(":")[0])
            self._portal_check_domain(having)
            self._portal_check_order(order)
        return super()._read_group(
            domain,
            groupby=groupby,
            aggregates=aggregates,
            having=having,
            offset=offset,
            limit=limit,
            order=order,
        )

    def _get_portal_attachments(self):
        """The files of the ticket's public messages (comments and emails of a
        public subtype): never those of internal notes, nor those an agent
        attached to the record itself."""
        self.ensure_one()
        # sudo: the messages and files are filtered here, whoever asks
        ticket_sudo = self.sudo()
        messages = ticket_sudo.message_ids.filtered(
            lambda message: message.message_type in ("comment", "email")
            and not message.is_internal
            and message.subtype_id
            and not message.subtype_id.internal
        )
        attachments = messages.attachment_ids.filtered(
            lambda attachment: attachment.res_model == self._name
            and attachment.res_id == self.id
            and not attachment.res_field
        )
        return attachments.sorted("id").with_env(self.env)

    def _get_mail_thread_data_attachments(self):
        # the chatter's list of files (/mail/thread/data): a customer, logged
        # in or with the ticket's token, gets those of public messages only
        if self.env.user._is_internal():
            return super()._get_mail_thread_data_attachments()
        return self._get_portal_attachments().sorted("id", reverse=True)
