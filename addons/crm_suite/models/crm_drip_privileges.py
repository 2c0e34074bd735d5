# Copyright 2026 CRM Suite
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""Whose rights a drip campaign's job uses, and who may configure what it runs.

The campaign job runs as the superuser for its bookkeeping (claims, states,
statistics), but what it does *for* the campaign (server actions, rendering
emails) runs as the campaign's owner: its responsible (``user_id``), else
its creator. A server action may only be chosen by a user who could run it
in Odoo (its groups, write access on its model) and, when it runs Python
code, only by a Settings administrator (who could write that code): else a
CRM Suite administrator could pick any powerful action of the database and
have the job run it for them.
"""

from odoo.exceptions import AccessError

# server action states whose configuration is Python code
CODE_STATES = ("code",)


def campaign_owner(campaign):
    """The user a campaign acts as: its responsible, else its creator."""
    # sudo: the owner is read whoever configures or runs the campaign
    campaign = campaign.sudo()
    return campaign.user_id or campaign.create_uid


def owner_context(campaign, owner):
    """Context of the owner's environment: the campaign's company first,
    then the owner's other companies."""
    companies = owner.sudo().company_ids  # sudo: the owner's own companies
    company = campaign.sudo().company_id  # sudo: see campaign_owner
    ids = [company.id] if company in companies else []
    ids += [cid for cid in companies.ids if cid not in ids]
    # sudo: the owner's own main company
    return {"allowed_company_ids": ids or owner.sudo().company_id.ids}


def _runs_code(action, seen=None):
    """Whether the action (or one of its children) evaluates Python code."""
    seen = seen if seen is not None else set()
    if action.id in seen:
        return False
    seen.add(action.id)
    if action.state in CODE_STATES:
        return True
    if action.state == "object_write" and action.evaluation_type == "equation":
        return True
    if action.state == "multi":
        return any(_runs_code(child, seen) for child in action.child_ids)
    return False


def server_action_refusal(action, user, model_name, company=None):
    """Why ``user`` may not have a drip step run ``action`` on ``model_name``
    records (a translated sentence), or ``None`` when they may.

    Mirrors what Odoo checks when a user runs a server action (its groups,
    else write access on its model) and adds: Python code only for Settings
    administrators, the action's model is the campaign's target.
    """
    env = action.env
    # sudo: the action's configuration is read to judge it, not run
    action = action.sudo()
    user = user.sudo()  # sudo: the groups of the user judged
    if action.model_id.model != model_name:
        return env._(
            "The server action %(action)s runs on %(action_model)s records; the "
            "campaign targets %(model)s: choose an action of the campaign's target.",
            action=action.name,
            action_model=action.model_id.name,
            model=env["ir.model"]._get(model_name).name,
        )
    if action.groups_id and not (action.groups_id & user.groups_id):
        return env._(
            "%(user)s may not run the server action %(action)s (restricted to "
            "%(groups)s): choose another action, or have a member of those groups "
            "configure the step.",
            user=user.name,
            action=action.name,
            groups=", ".join(action.groups_id.mapped("full_name")),
        )
    if _runs_code(action) and not user.has_group("base.group_system"):
        return env._(
            "%(user)s may not run the server action %(action)s: it runs Python "
            "code, which only Settings administrators may have a campaign run.",
            user=user.name,
            action=action.name,
        )
    if not action.groups_id:
        try:
            env[model_name].with_user(user).check_access("write")
        except AccessError:
            return env._(
                "%(user)s may not run the server action %(action)s: they may not "
                "modify %(model)s records.",
                user=user.name,
                action=action.name,
                model=action.model_id.name,
            )
    if company and company not in user.company_ids:
        return env._(
            "%(user)s, the campaign's responsible, does not work in the company "
            "%(company)s: choose a responsible of that company.",
            user=user.name,
            company=company.name,
        )
    return None
