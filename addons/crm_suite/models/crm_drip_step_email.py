# Copyright 2026 CRM Suite
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""The email step's executor: Odoo's mass mailing composer sends the step's
template, the mailing traces then give each drip trace its state."""

from collections import defaultdict

from odoo import api, models
from odoo.tools import SQL

from ..tools import trigger_cron
from .crm_drip_privileges import owner_context

# mailing.trace failure -> participant exit
FAILURE_EXITS = {"mail_bl": "blocklisted", "mail_optout": "unsubscribed"}


class CrmDripStepEmail(models.AbstractModel):
    _name = "crm.drip.step.email"
    _description = "Drip Email Step"

    def _execute_email(self, step, now):
        """Send the step's template to these traces' records through Odoo's
        mass mailing composer: one email per record, rendered in its language,
        with tracking, blocklist and unsubscribe links."""
        mailing = step._ensure_mailing()
        records = self._records_of()
        trace_by_res = {t.participant_id.res_id: t.id for t in self}
        # sudo: the composer's bookkeeping (emails, mailing traces) is the
        # campaign job's; the rendering runs as the campaign's owner, as
        # Odoo's mailings render as their user (see mail.compose.message)
        mailing = mailing.sudo()
        template = step.mail_template_id.sudo()
        owner = step.campaign_id._owner()
        render_context = owner_context(step.campaign_id, owner)
        context = dict(
            mailing._get_mass_mailing_context(),
            default_composition_mode="mass_mail",
            mail_composer_force_partners=False,
            crm_drip_trace_by_res=trace_by_res,
            crm_drip_render_uid=owner.id,
            crm_drip_render_company_ids=render_context["allowed_company_ids"],
        )
        # sudo: the owner's composer (composers are their creator's), created by
        # the job; the owner's rights come back for rendering (crm_drip_render_uid)
        Composer = self.env["mail.compose.message"].with_user(owner).sudo()
        values = {
            "composition_mode": "mass_mail",
            "model": records._name,
            "mass_mailing_id": mailing.id,
            "auto_delete": True,
            "auto_delete_keep_log": False,
            "force_send": False,
            "record_name": False,
        }
        if not self._template_is_plain(template):
            # the template has recipients, attachments... of its own: Odoo
            # renders it per record (and per language)
            composer = Composer.with_context(active_ids=records.ids, **context).create(
                dict(values, template_id=template.id)
            )
            composer._action_send_mail(auto_commit=False)
        else:
            composer = Composer.with_context(**context)
            self._send_plain_by_lang(step, composer, values, records, render_context)
        trigger_cron(self.env, "mail.ir_cron_mail_scheduler_action")
        self._email_results(now)

    def _send_plain_by_lang(self, step, composer, values, records, render_context):
        """A plain template (subject, body, sender): its translation of each
        language goes through the body path Odoo's own mailings use, one
        composer per language (cheaper than the template path). ``composer``
        is the (empty) composer model in the mailing's context."""
        template = step.mail_template_id.sudo()  # sudo: see _execute_email
        context = composer.env.context
        langs = (
            template.with_user(step.campaign_id._owner())
            .with_context(**dict(context, **render_context))
            ._render_lang(records.ids)
        )
        by_lang = defaultdict(list)
        for res_id in records.ids:
            by_lang[langs.get(res_id) or False].append(res_id)
        for lang, res_ids in by_lang.items():
            lang_context = {"active_ids": res_ids}
            if lang:
                lang_context["lang"] = lang
            translated = template.with_context(lang=lang or self.env.lang)
            composer.with_context(**lang_context).create(
                dict(
                    values,
                    subject=translated.subject or step.name,
                    body=translated.body_html or "",
                    email_from=template.email_from or False,
                    mail_server_id=template.mail_server_id.id,
                )
            )._action_send_mail(auto_commit=False)

    @api.model
    def _template_is_plain(self, template):
        """Only a subject, a body and a sender: the record's default
        recipients receive it, nothing else to render per record."""
        return not (
            template.email_to
            or template.partner_to
            or template.email_cc
            or template.reply_to
            or template.attachment_ids
            or template.report_template_ids
            or template.scheduled_date
            or (template.lang and not template._crm_drip_lang_field())
        )

    def _email_results(self, now):
        """Set each email trace's state from its mailing.trace: sent ones are
        done (children scheduled), cancelled ones end their branch."""
        self.env.flush_all()
        self.env.cr.execute(
            SQL(
                """
                SELECT crm_drip_trace_id, trace_status, failure_type
                  FROM mailing_trace WHERE crm_drip_trace_id = ANY(%s)
                """,
                self.ids,
            )
        )
        results = {row[0]: (row[1], row[2]) for row in self.env.cr.fetchall()}
        done_ids = []
        # one write per outcome and one exit per reason, not per trace
        failed = defaultdict(list)
        exits = defaultdict(list)
        for trace in self:
            status, failure = results.get(trace.id, (None, None))
            if status in (None, "cancel", "error"):
                state = "canceled" if status == "cancel" else "error"
                failed[(state, failure or "")].append(trace.id)
                if failure in FAILURE_EXITS:
                    exits[FAILURE_EXITS[failure]].append(trace.participant_id.id)
            else:
                done_ids.append(trace.id)
        for (state, failure), trace_ids in failed.items():
            self.browse(trace_ids).write(
                {
                    "state": state,
                    "state_message": failure or self.env._("No email was generated."),
                    "done_date": now,
                    "lock_token": False,
                }
            )
        for reason, participant_ids in exits.items():
            self.env["crm.drip.participant"].browse(participant_ids)._finish(
                "stopped", reason, now
            )
        self.browse(done_ids)._set_done(now)
