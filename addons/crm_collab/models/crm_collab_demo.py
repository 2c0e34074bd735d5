# Copyright 2026 CRM Suite
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
import io
from datetime import timedelta

from odoo import api, fields, models


def _demo_pdf(title, lines):
    """A small, valid one-page PDF showing ``title`` and ``lines``."""
    text = ["BT /F1 18 Tf 72 760 Td (%s) Tj ET" % title]
    for index, line in enumerate(lines):
        text.append("BT /F1 11 Tf 72 %d Td (%s) Tj ET" % (720 - 18 * index, line))
    stream = "\n".join(text).encode("latin-1")
    objects = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] "
        b"/Resources << /Font << /F1 4 0 R >> >> /Contents 5 0 R >>",
        b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>",
        b"<< /Length %d >>\nstream\n" % len(stream) + stream + b"\nendstream",
    ]
    out = io.BytesIO()
    out.write(b"%PDF-1.4\n")
    offsets = []
    for number, body in enumerate(objects, start=1):
        offsets.append(out.tell())
        out.write(b"%d 0 obj\n" % number + body + b"\nendobj\n")
    xref = out.tell()
    out.write(b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1))
    for offset in offsets:
        out.write(b"%010d 00000 n \n" % offset)
    out.write(
        b"trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n"
        % (len(objects) + 1, xref)
    )
    return out.getvalue()


def _demo_png(color, size=(160, 120)):
    from PIL import Image, ImageDraw

    image = Image.new("RGB", size, color)
    draw = ImageDraw.Draw(image)
    draw.rectangle(
        [20, 20, size[0] - 20, size[1] - 20], outline=(255, 255, 255), width=4
    )
    draw.line([20, size[1] - 20, size[0] - 20, 20], fill=(255, 255, 255), width=3)
    out = io.BytesIO()
    image.save(out, format="PNG")
    return out.getvalue()


class CrmCollabDemo(models.AbstractModel):
    """Demo data only: customer workspaces with real small files. Private,
    called from demo/crm_document_demo.xml."""

    _name = "crm.collab.demo"
    _description = "CRM Collaboration Demo Data"

    @api.model
    def _demo_documents(self):
        Folder = self.env["crm.document.folder"]
        Document = self.env["crm.document"]
        tags = {
            xmlid: self.env.ref(f"crm_collab.{xmlid}")
            for xmlid in ("tag_contract", "tag_proposal", "tag_technical", "tag_signed")
        }
        sales = self.env.ref("sales_team.group_sale_salesman", raise_if_not_found=False)
        customers = [
            (
                self.env.ref("base.res_partner_12"),
                [
                    (
                        "Contracts",
                        None,
                        [
                            (
                                "Framework agreement 2026.pdf",
                                "pdf",
                                ["tag_contract", "tag_signed"],
                                [
                                    "Framework agreement with Azure Interior",
                                    "Term: 1 January 2026 - 31 December 2026",
                                    "Payment: 30 days end of month",
                                ],
                            ),
                        ],
                    ),
                    (
                        "Proposals",
                        None,
                        [
                            (
                                "Office furniture proposal.pdf",
                                "pdf",
                                ["tag_proposal"],
                                [
                                    "Proposal 2026-014: 40 desks, 40 chairs, 6 tables",
                                    "Delivery in 6 weeks, installation included",
                                ],
                            ),
                        ],
                    ),
                    (
                        "Technical",
                        sales,
                        [
                            (
                                "Floor plan level 2.png",
                                "png",
                                ["tag_technical"],
                                (35, 99, 160),
                            ),
                            (
                                "Cable routing.png",
                                "png",
                                ["tag_technical"],
                                (160, 80, 35),
                            ),
                            (
                                "Delivery checklist.txt",
                                "txt",
                                ["tag_technical"],
                                "Dock B, 7:00-11:00\nContact: site manager\n",
                            ),
                        ],
                    ),
                ],
            ),
            (
                self.env.ref("base.res_partner_2"),
                [
                    (
                        "Contracts",
                        None,
                        [
                            (
                                "Maintenance contract.pdf",
                                "pdf",
                                ["tag_contract"],
                                [
                                    "Maintenance contract for Deco Addict",
                                    "Two visits a year, spare parts at cost",
                                ],
                            ),
                        ],
                    ),
                    (
                        "Showroom",
                        None,
                        [
                            ("Showroom photo.png", "png", [], (90, 140, 70)),
                        ],
                    ),
                ],
            ),
        ]
        for partner, folders in customers:
            workspace = Folder._workspace_of(partner)
            for folder_name, group, files in folders:
                folder = Folder.create(
                    {
                        "name": folder_name,
                        "parent_id": workspace.id,
                        "group_ids": [(6, 0, group.ids)] if group else [],
                    }
                )
                for name, kind, tag_keys, payload in files:
                    if kind == "pdf":
                        content = _demo_pdf(name.rsplit(".", 1)[0], payload)
                    elif kind == "png":
                        content = _demo_png(payload)
                    else:
                        content = payload.encode()
                    document = Document.create(
                        {
                            "name": name,
                            "folder_id": folder.id,
                            "tag_ids": [(6, 0, [tags[key].id for key in tag_keys])],
                        }
                    )
                    document._set_file(content, file_name=name)
        # the demo portal user (portal / portal) finds a file and a request
        portal_partner = self.env.ref("base.partner_demo_portal")
        welcome = Document.create(
            {
                "name": "Welcome pack.pdf",
                "folder_id": Folder._workspace_of(portal_partner).id,
                "tag_ids": [(6, 0, tags["tag_contract"].ids)],
            }
        )
        welcome._set_file(
            _demo_pdf("Welcome pack", ["Your account manager: Mitchell Admin"]),
            file_name=welcome.name,
        )
        self.env["crm.document.request"].create(
            {
                "name": "Proof of address",
                "partner_id": portal_partner.id,
                "due_date": fields.Date.context_today(self) + timedelta(days=10),
            }
        )
        # a second version of the proposal, a share link and a request
        proposal = Document.search(
            [("name", "=", "Office furniture proposal.pdf")], limit=1
        )
        proposal._set_file(
            _demo_pdf(
                "Office furniture proposal",
                ["Revised: 44 desks, 44 chairs", "Delivery in 5 weeks"],
            ),
            file_name=proposal.name,
        )
        self.env["crm.document.share"].create(
            {
                "name": "Proposal for Azure Interior",
                "document_ids": [(6, 0, proposal.ids)],
                "partner_id": proposal.partner_id.id,
                "expiration_date": fields.Datetime.now() + timedelta(days=14),
                "max_downloads": 10,
            }
        )
        self.env["crm.document.request"].create(
            {
                "name": "Signed framework agreement",
                "partner_id": self.env.ref("base.res_partner_12").id,
                "due_date": fields.Date.context_today(self) + timedelta(days=5),
                "description": "Please upload the agreement signed by your director.",
            }
        )
        return True
