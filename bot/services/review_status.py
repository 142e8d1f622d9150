"""What /about says about the clinical review: who signed which version and when, or that the
content changed since (content/signoff.yaml, read with the content).

"Reviewed by a general practitioner, Dr Jane Doe, on 3 December 2026." / "Contenuti revisionati il
3 dicembre 2026 da Dr Jane Doe (medico di medicina generale)." The date is CLDR's long date
through Babel, imported on first use (bot/ui/dates.py says what importing it costs).
"""

from __future__ import annotations

import html
from datetime import date

from content.model import Content


def review_line(content: Content, lang: str) -> str:
    """One sentence in the user's language; never a date for content that changed since."""
    signoff = content.signoff
    if signoff is None:
        return content.text(lang, "governance.unsigned")
    sig = signoff.signature
    role = content.text(lang, f"governance.roles.{sig.role}")
    reviewer = html.escape(sig.reviewer, quote=False)  # the sentence goes out as Telegram HTML
    # The version is a hash of every item's fingerprint: equal versions, nothing changed since.
    if sig.version != content.fingerprint:
        return content.text(lang, "governance.changed", reviewer=reviewer, role=role)
    day = long_date(content, lang, sig.date)
    return content.text(lang, "governance.signed", reviewer=reviewer, role=role, date=day)


def long_date(content: Content, lang: str, day: date) -> str:
    """'3 December 2026' / '3 dicembre 2026' (CLDR's long date in the language's locale)."""
    from babel.dates import format_date

    locale = content.locales.get(lang) or content.locales[content.default_language]
    return str(format_date(day, format="long", locale=locale))
