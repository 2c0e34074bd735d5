#!/usr/bin/env python3
# Copyright 2026 CRM Suite
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""Write each addon's README.md from its readme/*.md fragments (OCA layout).

Run after editing a fragment: ``python3 scripts/gen_addon_readme.py``.
"""

import ast
from pathlib import Path

ADDONS = Path(__file__).resolve().parent.parent / "addons"
SECTIONS = [
    ("DESCRIPTION", None),
    ("CONFIGURE", "Configuration"),
    ("USAGE", "Usage"),
    ("CONTRIBUTORS", "Contributors"),
]


def render(addon):
    manifest = ast.literal_eval((addon / "__manifest__.py").read_text())
    parts = [
        f"# {manifest['name']}\n",
        "<!-- Generated from readme/*.md by scripts/gen_addon_readme.py -->\n",
    ]
    for fragment, heading in SECTIONS:
        path = addon / "readme" / f"{fragment}.md"
        if not path.exists():
            continue
        if heading:
            parts.append(f"## {heading}\n")
        parts.append(path.read_text().strip() + "\n")
    parts.append(
        f"## License\n\n{manifest['license']}. Installation, the demo and the tests: "
        "see the README at the root of the repository.\n"
    )
    return "\n".join(parts)


def main():
    for addon in sorted(p.parent for p in ADDONS.glob("*/__manifest__.py")):
        (addon / "README.md").write_text(render(addon))


if __name__ == "__main__":
    main()
