# Copyright 2026 CRM Suite
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from odoo import api, fields, models
from odoo.exceptions import ValidationError


class CrmDocumentFolder(models.Model):
    """A folder of customer documents. A customer's workspace is a root folder
    of that customer; its subfolders carry the same customer. Who may see a
    folder is said by its groups and users, or, when it has none, by its
    parent's (stored, so the record rules are one indexed join)."""

    _name = "crm.document.folder"
    _description = "Document Folder"
    _inherit = ["mail.thread"]
    _parent_store = True
    _order = "complete_name, id"
    _rec_name = "complete_name"

    # identity and tree
    name = fields.Char(required=True, tracking=True)
    complete_name = fields.Char(
        compute="_compute_complete_name", store=True, recursive=True
    )
    parent_id = fields.Many2one(
        "crm.document.folder", index=True, ondelete="cascade", tracking=True
    )
    parent_path = fields.Char(index=True)
    child_ids = fields.One2many("crm.document.folder", "parent_id", string="Subfolders")
    partner_id = fields.Many2one(
        "res.partner",
        string="Customer",
        index=True,
        compute="_compute_partner_id",
        store=True,
        readonly=False,
        recursive=True,
        tracking=True,
    )
    company_id = fields.Many2one(
        "res.company",
        required=True,
        index=True,
        default=lambda self: self.env.company,
        compute="_compute_company_id",
        store=True,
        readonly=False,
        recursive=True,
    )
    active = fields.Boolean(default=True)
    # access
    group_ids = fields.Many2many(
        "res.groups",
        "crm_document_folder_group_rel",
        "folder_id",
        "group_id",
        string="Groups",
        help="Internal groups allowed in this folder and its subfolders. With "
        "neither groups nor users the folder follows its parent's access (a root "
        "folder without any is open to every collaboration user).",
    )
    user_ids = fields.Many2many(
        "res.users",
        "crm_document_folder_user_rel",
        "folder_id",
        "user_id",
        string="Users",
        domain=[("share", "=", False)],
    )
    access_group_ids = fields.Many2many(
        "res.groups",
        "crm_document_folder_access_group_rel",
        "folder_id",
        "group_id",
        compute="_compute_access",
        store=True,
        recursive=True,
        string="Effective Groups",
    )
    access_user_ids = fields.Many2many(
        "res.users",
        "crm_document_folder_access_user_rel",
        "folder_id",
        "user_id",
        compute="_compute_access",
        store=True,
        recursive=True,
        string="Effective Users",
    )
    access_open = fields.Boolean(
        compute="_compute_access", store=True, recursive=True, index=True
    )
    portal_visible = fields.Boolean(
        string="Visible on the Portal",
        compute="_compute_portal_visible",
        store=True,
        readonly=False,
        recursive=True,
        help="The customer's portal users see this folder's documents at "
        "/my/documents. On by default when the folder has a customer; subfolders "
        "follow their parent.",
    )
    # contents
    document_ids = fields.One2many("crm.document", "folder_id", string="Documents")
    document_count = fields.Integer(compute="_compute_document_count")

    @api.depends("name", "parent_id.complete_name")
    def _compute_complete_name(self):
        for folder in self:
            folder.complete_name = (
                f"{folder.parent_id.complete_name} / {folder.name}"
                if folder.parent_id
                else folder.name
            )

    @api.depends("parent_id.partner_id")
    def _compute_partner_id(self):
        for folder in self.filtered("parent_id"):
            folder.partner_id = folder.parent_id.partner_id

    @api.depends("parent_id.company_id")
    def _compute_company_id(self):
        for folder in self.filtered("parent_id"):
            folder.company_id = folder.parent_id.company_id

    @api.depends(
        "group_ids",
        "user_ids",
        "parent_id.access_group_ids",
        "parent_id.access_user_ids",
        "parent_id.access_open",
    )
    def _compute_access(self):
        for folder in self:
            if folder.group_ids or folder.user_ids or not folder.parent_id:
                folder.access_group_ids = folder.group_ids
                folder.access_user_ids = folder.user_ids
                folder.access_open = not (folder.group_ids or folder.user_ids)
            else:
                folder.access_group_ids = folder.parent_id.access_group_ids
                folder.access_user_ids = folder.parent_id.access_user_ids
                folder.access_open = folder.parent_id.access_open

    @api.depends("partner_id", "parent_id.portal_visible")
    def _compute_portal_visible(self):
        for folder in self:
            folder.portal_visible = (
                folder.parent_id.portal_visible
                if folder.parent_id
                else bool(folder.partner_id)
            )

    def _compute_document_count(self):
        counts = dict(
            self.env["crm.document"]._read_group(
                [("folder_id", "in", self.ids)], ["folder_id"], ["__count"]
            )
        )
        for folder in self:
            folder.document_count = counts.get(folder, 0)

    @api.constrains("parent_id")
    def _check_parent(self):
        if self._has_cycle():
            raise ValidationError(self.env._("A folder cannot be inside itself."))
        for folder in self.filtered("parent_id"):
            if folder.parent_id.partner_id and (
                folder.partner_id != folder.parent_id.partner_id
            ):
                raise ValidationError(
                    self.env._(
                        "Folder %(folder)s must belong to the customer of its parent "
                        "folder (%(customer)s).",
                        folder=folder.name,
                        customer=folder.parent_id.partner_id.display_name,
                    )
                )

    def action_open_documents(self):
        self.ensure_one()
        action = self.env["ir.actions.act_window"]._for_xml_id(
            "crm_collab.crm_document_action"
        )
        action["domain"] = [("folder_id", "child_of", self.id)]
        action["context"] = {
            "default_folder_id": self.id,
            "search_default_folder_id": self.id,
        }
        return action

    @api.model
    def _workspace_of(self, partner):
        """The customer's workspace (its root folder), created when missing.
        Callers check the user's right to create folders first."""
        partner = partner.commercial_partner_id
        # sudo: one workspace per customer, whether or not this user sees it
        workspace = self.sudo().search(
            [("partner_id", "=", partner.id), ("parent_id", "=", False)],
            order="id",
            limit=1,
        )
        if workspace:
            return self.browse(workspace.id)
        return self.create(
            {
                "name": partner.name,
                "partner_id": partner.id,
                "company_id": (partner.company_id or self.env.company).id,
            }
        )
