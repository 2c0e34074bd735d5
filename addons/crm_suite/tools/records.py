# Copyright 2026 CRM Suite
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""Set-based writes of values that differ from record to record."""

from collections import defaultdict


def write_grouped(records, vals_list):
    """Write ``vals_list[i]`` on ``records[i]`` with one ``write`` per group of
    records given the same values (a batch mostly shares its moment and its
    calendar), not one per record."""
    groups = defaultdict(list)
    for record, vals in zip(records, vals_list, strict=True):
        groups[tuple(sorted(vals.items()))].append(record.id)
    for items, ids in groups.items():
        records.browse(ids).write(dict(items))
