# Copyright 2026 CRM Suite
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""The per-file limit of a ticket's attachments and how a file's size is read."""

import base64

import pytest
from crm_suite_engines.attachment_size import (
    DEFAULT_MAX_MB,
    MEGABYTE,
    content_size,
    first_oversized,
    max_bytes,
    megabytes_label,
    split_oversized,
    vals_size,
)
from crm_suite_engines.numbers import positive_number


@pytest.mark.parametrize(
    "text,expected",
    [("3", 3 * MEGABYTE), ("0.5", MEGABYTE // 2), ("2.25", int(2.25 * MEGABYTE))],
)
def test_limit_of_a_positive_parameter(text, expected):
    assert max_bytes(text) == expected


@pytest.mark.parametrize("text", [None, "", "0", "-1", "ten", "  "])
def test_limit_defaults_to_ten_megabytes(text):
    assert max_bytes(text) == int(DEFAULT_MAX_MB * MEGABYTE) == 10 * MEGABYTE


@pytest.mark.parametrize(
    "value,expected",
    [("4", 4.0), (7, 7.0), ("0", 9), ("-2", 9), ("x", 9), (None, 9), ("nan", 9)],
)
def test_positive_number(value, expected):
    assert positive_number(value, 9) == expected


def test_a_file_at_the_limit_passes_one_byte_more_does_not():
    limit = max_bytes("1")
    assert first_oversized([("a", limit)], limit) is None
    assert first_oversized(
        [("a", limit), ("b", limit + 1), ("c", limit + 2)], limit
    ) == (
        "b",
        limit + 1,
    )


def test_sizes_of_raw_text_and_base64():
    raw = "é" * 10
    assert content_size(raw) == 20
    assert vals_size({"raw": raw}) == 20
    data = b"x" * 30
    assert vals_size({"datas": base64.b64encode(data)}) == 30
    assert vals_size({"raw": b"", "datas": False}) == 0


def test_split_keeps_the_email_attachments_under_the_limit():
    small = ("small.txt", b"a" * 10, {"content_id": "1"})
    large = ("large.bin", "b" * 11)
    kept, dropped = split_oversized([small, large], 10)
    assert kept == [small]
    assert dropped == ["large.bin"]


def test_labels():
    assert megabytes_label(10 * MEGABYTE) == "10"
    assert megabytes_label(int(12.34 * MEGABYTE), "%.1f") == "12.3"
