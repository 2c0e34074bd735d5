# Copyright 2026 CRM Suite
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""What counts as a ticket's subject, one rule for the model (API, agents),
the web form, the portal and the mail gateway.

>>> clean_subject("  Printer on fire \\n"), clean_subject("   "), clean_subject(None)
('Printer on fire', '', '')
>>> subject_from_email("", "Hello,\\nmy printer is on fire")
'Hello,'
>>> subject_from_email(" Re: printer ", "body")
'Re: printer'
>>> subject_from_email(None, "")
''
"""

# an email without a subject is named after the start of its first line
EMAIL_SUBJECT_LENGTH = 80


def clean_subject(text):
    """The subject of ``text`` (spaces around it removed); empty when there is
    none, which no ticket may have."""
    return (text or "").strip()


def subject_from_email(subject, body_text):
    """An incoming email's subject, else the start of the first line of its
    plain-text body; empty when both are."""
    subject = clean_subject(subject)
    if subject:
        return subject
    body = clean_subject(body_text)
    return body.split("\n")[0][:EMAIL_SUBJECT_LENGTH] if body else ""
