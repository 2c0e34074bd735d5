# Copyright 2026 CRM Suite
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""Customer documents' names, extensions, active types and tokens, without Odoo."""

from crm_collab_engines import document_files as engine


def test_names_stay_strings():
    assert engine.clean_file_name("../x") == "../x"
    assert engine.clean_file_name("/etc/passwd") == "/etc/passwd"
    assert engine.clean_file_name(" a\x00b\n.pdf ") == "ab.pdf"
    assert engine.clean_file_name("") == "file"
    assert len(engine.clean_file_name("a" * 400)) == 255


def test_extensions():
    assert engine.extension_of("a.PDF") == "pdf"
    assert engine.extension_of("README") == ""
    forbidden = engine.parse_extensions(" .exe, bat ,,")
    assert forbidden == {"exe", "bat"}
    assert engine.is_forbidden("report.pdf.exe", forbidden)
    assert engine.is_forbidden("report.EXE.pdf", forbidden)
    assert not engine.is_forbidden("report.pdf", forbidden)


def test_active_types():
    for mimetype in ("text/html", "image/svg+xml", "application/xml"):
        assert engine.is_active_mimetype(mimetype), mimetype
    assert not engine.is_active_mimetype("application/pdf")


def test_tokens():
    tokens = {engine.new_token() for _i in range(50)}
    assert len(tokens) == 50
    assert all(len(token) >= 32 for token in tokens)
    assert len(engine.token_digest("x")) == 64
