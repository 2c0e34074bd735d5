# Copyright 2026 CRM Suite
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""Steps the lifecycle test runs in ``odoo shell``; each gets the shell's ``env``."""


def seed(env):
    """Customers, leads and posted invoices, as a database in use has them."""
    company = env.company
    journals = env["account.journal"].search(
        [("type", "=", "sale"), ("company_id", "=", company.id)]
    )
    if not journals:
        env["account.chart.template"].try_loading(
            "generic_coa", company, install_demo=False
        )
    partners = env["res.partner"].create(
        [
            {"name": f"Lifecycle Customer {i}", "email": f"customer{i}@example.com"}
            for i in range(5)
        ]
    )
    env["crm.lead"].create(
        [
            {
                "name": f"Lifecycle Lead {i}",
                "partner_id": partners[i % 5].id,
                "type": "opportunity",
            }
            for i in range(10)
        ]
    )
    product = env["product.product"].create(
        {"name": "Lifecycle Service", "list_price": 120.0}
    )
    line = {"product_id": product.id, "quantity": 2, "price_unit": 120.0}
    invoices = env["account.move"].create(
        [
            {
                "move_type": "out_invoice",
                "partner_id": partner.id,
                "invoice_line_ids": [(0, 0, dict(line))],
            }
            for partner in partners
        ]
    )
    invoices.action_post()
    env.cr.commit()
    return {"posted": invoices.mapped("state")}


def snapshot(env):
    """What must survive installing and uninstalling our addons."""
    invoices = env["account.move"].search(
        [("partner_id.name", "like", "Lifecycle Customer"), ("state", "=", "posted")]
    )
    return {
        "leads": env["crm.lead"].search_count([("name", "like", "Lifecycle Lead")]),
        "partners": env["res.partner"].search_count(
            [("name", "like", "Lifecycle Customer")]
        ),
        "invoices": len(invoices),
        "revenue": sum(invoices.mapped("amount_untaxed")),
    }


def uninstall(env, name):
    module = env["ir.module.module"].search([("name", "=", name)])
    assert module.state == "installed", module.state
    module.button_immediate_uninstall()
    return {"done": True}


def after_uninstall(env, name):
    """Nothing of the addon is left, and a normal business flow still works.

    ``ir.model.data`` names every record an addon owns (models, fields, views, menus,
    groups, access rules): none may stay behind."""
    left = env["ir.model.data"].search_count([("module", "=", name)])
    # Every view still renders: a leftover inherited view would break its parent.
    broken = []
    for model in ("crm.lead", "res.partner", "crm.team", "res.users"):
        try:
            env[model].get_views([(False, "form"), (False, "list")])
        except Exception as error:  # noqa: BLE001 (reported, the test fails on it)
            broken.append(f"{model}: {error}")
    admin = env.ref("base.user_admin")
    menus = env["ir.ui.menu"].with_user(admin).load_menus(False)
    lead = env["crm.lead"].create({"name": "Created after uninstalling " + name})
    lead.action_set_won()
    won = lead.stage_id.is_won
    env.cr.rollback()
    return {
        "xmlids_left": left,
        "broken_views": broken,
        "menus": len(menus),
        "won": won,
    }
