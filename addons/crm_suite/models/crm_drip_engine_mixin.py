# Copyright 2026 CRM Suite
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from odoo import api, models
from odoo.exceptions import UserError


class CrmDripEngineMixin(models.AbstractModel):
    """Records of the campaign engine (participants, traces): only the engine
    (superuser: the campaign's sync and job, the test wizard) creates them or
    sets what they point to. Over RPC these would name any record of any
    model and company; managers keep the writes of the engine's contract
    (``action_stop``, a trace's ``schedule_date``...)."""

    _name = "crm.drip.engine.mixin"
    _description = "Drip Record Kept by the Campaign Engine"

    # fields set by the engine only
    _engine_fields = ()

    def _check_engine_create(self):
        if not self.env.su:
            raise UserError(
                self.env._(
                    "Participants and their steps are created by the campaign: "
                    "synchronize the campaign, or test it on a record with the "
                    "Test button."
                )
            )

    def _check_engine_write(self, vals):
        if not self.env.su and set(self._engine_fields) & set(vals):
            raise UserError(
                self.env._(
                    "The campaign, record, step and company of a participant or "
                    "of its steps are set by the campaign and cannot be changed. "
                    "Stop the participant instead."
                )
            )

    @api.model_create_multi
    def create(self, vals_list):
        self._check_engine_create()
        return super().create(vals_list)

    def write(self, vals):
        self._check_engine_write(vals)
        return super().write(vals)
