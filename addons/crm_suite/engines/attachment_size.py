# Copyright 2026 CRM Suite
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""The size of a ticket's files and the per-file limit, one definition for the
web form, the portal, the mail gateway and any other way a file reaches a
ticket (``ir.attachment.create``).

The limit is a number of megabytes (a system parameter, 10 when it is not a
positive number); a file over it is refused (a form, a chatter upload) or
dropped (an email's attachment, the email being kept).

>>> limit = max_bytes("1")
>>> limit
1048576
>>> max_bytes(""), max_bytes("-2") == max_bytes(None) == 10 * MEGABYTE
(10485760, True)
>>> first_oversized([("a.txt", 10), ("b.bin", limit + 1)], limit)
('b.bin', 1048577)
>>> first_oversized([("a.txt", limit)], limit) is None
True
>>> content_size("é"), content_size(b"abc"), content_size(None)
(2, 3, 0)
>>> vals_size({"datas": "YWJj"}), vals_size({"raw": b"abcd"}), vals_size({})
(3, 4, 0)
>>> kept, dropped = split_oversized([("a", b"x"), ("b", b"xx", {})], 1)
>>> [a[0] for a in kept], dropped
(['a'], ['b'])
>>> megabytes_label(limit), megabytes_label(1572864, "%.1f")
('1', '1.5')
"""

from .numbers import positive_number

MEGABYTE = 1024 * 1024
DEFAULT_MAX_MB = 10.0


def max_bytes(megabytes):
    """The per-file limit in bytes of ``megabytes`` (the parameter's text)."""
    return int(positive_number(megabytes, DEFAULT_MAX_MB) * MEGABYTE)


def content_size(content):
    """Size in bytes of a file's content (bytes, or text stored as UTF-8)."""
    if isinstance(content, str):
        return len(content.encode())
    return len(content or b"")


def vals_size(vals):
    """Size in bytes of the file of ``ir.attachment`` creation values: its
    ``raw`` content, else its base64 ``datas`` (three bytes per four
    characters), else nothing."""
    if vals.get("raw"):
        return content_size(vals["raw"])
    if vals.get("datas"):
        return len(vals["datas"]) * 3 // 4
    return 0


def is_oversized(size, limit):
    return size > limit


def first_oversized(files, limit):
    """The first ``(name, size)`` of ``files`` over ``limit`` bytes, or None."""
    return next((item for item in files if is_oversized(item[1], limit)), None)


def split_oversized(attachments, limit):
    """``(kept, dropped names)`` of an email's ``attachments`` (tuples whose
    first two items are the name and the content) against ``limit``."""
    kept, dropped = [], []
    for attachment in attachments:
        if is_oversized(content_size(attachment[1]), limit):
            dropped.append(attachment[0])
        else:
            kept.append(attachment)
    return kept, dropped


def megabytes_label(size, pattern="%g"):
    """``size`` bytes as megabytes for a message ("10", or "12.3" with
    ``"%.1f"``)."""
    return pattern % (size / MEGABYTE)
