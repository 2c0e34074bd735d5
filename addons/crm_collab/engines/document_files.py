# Copyright 2026 CRM Suite
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""What a customer document's file name and type may be: names are strings,
never paths; some extensions are refused; active content never renders inline."""

import hashlib
import secrets
import unicodedata

DEFAULT_FORBIDDEN_EXTENSIONS = (
    "exe,com,bat,cmd,msi,scr,pif,vbs,vbe,js,jse,jar,ps1,psm1,sh,dll,cpl,hta,"
    "lnk,reg,wsf,apk,app"
)
# types a browser would run or render as a page: sent as a download, always
ACTIVE_MIMETYPES = ("html", "svg", "xml", "javascript", "xhtml")
MAX_NAME_LENGTH = 255
TOKEN_BYTES = 24  # 192 random bits


def clean_file_name(name, fallback="file"):
    """``name`` as a plain string to show and to offer as a download name:
    control characters dropped, surrounding spaces trimmed, at most 255
    characters. Slashes and dots are kept as they are: the name is never used
    to build a path, so ``../x`` stays the name ``../x``."""
    text = "".join(
        char
        for char in str(name or "")
        if unicodedata.category(char) not in ("Cc", "Cf", "Zl", "Zp")
    ).strip()
    return text[:MAX_NAME_LENGTH] or fallback


def extension_of(name):
    """The lower-case extension of ``name`` (after its last dot), or ''."""
    base = str(name or "").rstrip(". ")
    if "." not in base:
        return ""
    return base.rsplit(".", 1)[1].strip().lower()


def parse_extensions(text):
    """The set of extensions of a comma-separated text (dots and spaces
    ignored)."""
    return {
        part.strip().lstrip(".").lower()
        for part in str(text or "").split(",")
        if part.strip().lstrip(".")
    }


def is_forbidden(name, forbidden):
    """Whether any extension of ``name`` is in ``forbidden``: ``a.exe.pdf`` and
    ``a.pdf.exe`` both carry ``exe``."""
    parts = [part.strip().lower() for part in str(name or "").split(".")[1:]]
    return any(part in forbidden for part in parts)


def is_active_mimetype(mimetype):
    """Whether a browser would render or run a file of ``mimetype``."""
    mimetype = (mimetype or "").lower()
    return any(kind in mimetype for kind in ACTIVE_MIMETYPES)


def new_token():
    """A share token: 192 bits from the system's CSPRNG, URL-safe."""
    return secrets.token_urlsafe(TOKEN_BYTES)


def token_digest(token):
    """The SHA-256 hex digest a token is looked up by."""
    return hashlib.sha256(str(token or "").encode()).hexdigest()
