"""The one way text reaches a workbook part: cleaned of what XML forbids, then escaped.

XML 1.0 forbids most control characters (a funder key with an ESC in it, say), lone
surrogates and U+FFFE/U+FFFF; a part that holds one is rejected whole by Excel,
LibreOffice and every XML reader. Each forbidden character becomes U+FFFD (the
replacement character), visibly, in cells, sheet names, table headers, chart titles and
series, and the document properties alike.
"""

from __future__ import annotations

import re
from xml.sax.saxutils import escape, quoteattr

ILLEGAL = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]")


def xml_clean(value: object) -> str:
    """`value` as text with the characters XML forbids replaced by U+FFFD."""
    return ILLEGAL.sub("\ufffd", str(value))


def xml_text(value: object) -> str:
    """`value` as the text of an XML element: cleaned and escaped."""
    return escape(xml_clean(value))


def xml_attribute(value: object) -> str:
    """`value` as a quoted XML attribute value: cleaned, escaped and quoted."""
    return quoteattr(xml_clean(value))
