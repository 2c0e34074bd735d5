# Copyright 2026 CRM Suite
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from odoo import api, models


class MailRenderMixin(models.AbstractModel):
    _inherit = "mail.render.mixin"

    @api.model
    def _render_template_qweb(
        self, template_src, model, res_ids, add_context=None, options=None
    ):
        """Render with a copy of ``options``. Odoo 18 adds
        ``raise_on_forbidden_code_for_model`` to the dict it is given when the
        user is no template editor, and ``_render_field`` gives it the field's
        own ``render_options``: after one such rendering (a drip email rendered
        as a campaign owner who is no template editor), every later rendering
        of that field in the worker process failed with "Those values are not
        supported as options when rendering"."""
        return super()._render_template_qweb(
            template_src,
            model,
            res_ids,
            add_context=add_context,
            options=dict(options or {}),
        )
