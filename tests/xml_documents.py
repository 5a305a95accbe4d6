"""Hypothesis strategies for MWS-like XML documents, well-formed or hostile, for the XML-layer fuzz tests.

Documents are trees of MWS-like element names with attributes, namespace declarations and prefixes, text
with entities and character references, CDATA sections, comments and processing instructions, optionally
behind an XML declaration in another encoding or a byte order mark, sometimes with a DOCTYPE, junk or
control characters, or truncated. Tags are always syntactically valid XML names and attributes (see the
module docstring of ``mws_async.xml`` for the one documented gap: malformed tags).
"""

from __future__ import annotations

from typing import Any

from hypothesis import strategies as st

NAMES = [
    "Product",
    "Products",
    "Title",
    "ASIN",
    "Error",
    "Code",
    "Message",
    "Detail",
    "Type",
    "Identifiers",
    "MarketplaceASIN",
    "MarketplaceId",
    "ItemAttributes",
    "SalesRank",
    "Rank",
    "Self",
    "Parent",
    "ProductCategoryId",
    "ProductCategoryName",
    "NextToken",
    "RequestId",
    "RequestID",
    "ResponseMetadata",
    "Amount",
    "CurrencyCode",
]
PREFIXES = ["ns2", "xsi", "a"]
ATTRIBUTES = ["status", "Units", "xml:lang", "MarketplaceID", "SellerSKU", "ASIN", "name", "type"]

# Text pieces: plain, XML-special, entities and character references, non-ASCII and Unicode whitespace,
# look-alikes of namespace syntax, and the hostile ones (control characters, CR, "]]>", bad references).
TEXT_PIECES = [
    "a",
    "Lantern",
    "9.25",
    " ",
    "  ",
    "\t",
    "\n",
    "\r\n",
    "\r",
    "&amp;",
    "&lt;",
    "&gt;",
    "&quot;",
    "&apos;",
    "&#65;",
    "&#x42;",
    "&#xE9;",
    ">",
    "'",
    '"',
    "é",
    "日本",
    "\u3000",
    "\xa0",
    "\x85",
    "\u2028",
    "\ufeff",
    "#1",
    "what?",
    "[New]",
    "!",
    'xmlns="urn:x"',
    "ns2:foo",
    "<ns2:Title>",  # escaped below unless inside CDATA
    "\x00",
    "\x01",
    "\x1f",
    "]]>",
    "&#1;",
    "&#0;",
    "&bogus;",
    "&",
    "\ufffe",
]


@st.composite
def texts(draw: st.DrawFn, *, cdata: bool = False) -> str:
    """Text content (escaped as XML needs) or, with ``cdata``, raw CDATA content."""
    pieces = draw(st.lists(st.sampled_from(TEXT_PIECES), max_size=5))
    out = []
    for piece in pieces:
        if cdata:
            out.append(piece.replace("]]>", "]]"))
        elif piece.startswith("<"):
            out.append(piece.replace("<", "&lt;"))
        else:
            out.append(piece)
    return "".join(out)


@st.composite
def attribute_values(draw: st.DrawFn) -> str:
    value = draw(texts())
    quote = draw(st.sampled_from(['"', "'"]))
    return quote + value.replace(quote, "&quot;" if quote == '"' else "&apos;").replace("<", "&lt;") + quote


@st.composite
def names(draw: st.DrawFn, declared: list[str]) -> str:
    name = draw(
        st.one_of(st.sampled_from(NAMES), st.from_regex(r"[A-Za-z_][A-Za-z0-9_.\-]{0,6}", fullmatch=True))
    )
    if declared and draw(st.integers(0, 3)) == 0:
        name = draw(st.sampled_from(declared)) + ":" + name
    return name


@st.composite
def elements(draw: st.DrawFn, depth: int = 0, declared: list[str] | None = None) -> str:
    declared = list(declared or [])
    name = draw(names(declared))
    attrs: list[str] = []
    for _ in range(draw(st.integers(0, 2))):
        choice = draw(st.integers(0, 5))
        if choice == 0:
            uri = draw(
                st.sampled_from(["urn:x", "http://mws.amazonservices.com/schema/Products/2011-10-01", ""])
            )
            attrs.append(f'xmlns="{uri}"')
        elif choice == 1:
            prefix = draw(st.sampled_from(PREFIXES))
            attrs.append(f'xmlns:{prefix}="urn:{prefix}"')
            declared.append(prefix)
        else:
            attr = draw(st.sampled_from(ATTRIBUTES))
            if declared and choice == 2:
                attr = draw(st.sampled_from(declared)) + ":" + attr
            attrs.append(f"{attr}={draw(attribute_values())}")
    if len({a.split("=", 1)[0] for a in attrs}) != len(attrs):
        attrs = attrs[:1]  # duplicate attributes are a different (well tested) error
    separator = draw(st.sampled_from([" ", "\n  ", "\t"]))
    head = name + "".join(separator + a for a in attrs)
    content: list[str] = []
    if depth < 4:
        for _ in range(draw(st.integers(0, 3))):
            kind = draw(st.integers(0, 9))
            if kind <= 4:
                content.append(draw(elements(depth + 1, declared)))
            elif kind <= 6:
                content.append(draw(texts()))
            elif kind == 7:
                content.append(f"<![CDATA[{draw(texts(cdata=True))}]]>")
            elif kind == 8:
                content.append(f"<!--{draw(texts(cdata=True)).replace('--', '- -').rstrip('-')}-->")
            else:
                content.append(f"<?pi {draw(texts(cdata=True)).replace('?>', '? >')}?>")
    else:
        content.append(draw(texts()))
    if not content and draw(st.booleans()):
        return f"<{head}/>"
    indent = draw(st.sampled_from(["", "\n", "\n    "]))
    return f"<{head}>" + indent.join(content) + f"</{name}>"


ENCODINGS = ["UTF-8", "utf-8", "ISO-8859-1", "windows-1252", "Shift_JIS", "UTF-16", "US-ASCII", "x-bogus-99"]


@st.composite
def documents(draw: st.DrawFn, root: str | None = None, result: str | None = None) -> bytes:
    """A whole body: optional declaration (in some encoding), optional DOCTYPE, a root element, optional
    junk; sometimes truncated. With ``root`` (and ``result``) the random elements sit inside that envelope,
    one to three result elements (some with a ``status`` attribute) as MWS sends per-id results."""
    body = draw(elements())
    if result is not None:
        results = []
        for _ in range(draw(st.integers(1, 3))):
            status = draw(st.sampled_from(["", ' status="Success"', ' status="ClientError"']))
            inner = "".join(draw(st.lists(elements(depth=1), max_size=3)))
            results.append(f"<{result}{status}>{inner}</{result}>")
        body = "".join(results)
    if root is not None:
        body = f"<{root}>{body}</{root}>"
    encoding = draw(st.sampled_from([None, *ENCODINGS]))
    prolog = "" if encoding is None else f'<?xml version="1.0" encoding="{encoding}"?>'
    if encoding is None and draw(st.booleans()):
        prolog = '<?xml version="1.0"?>'
    if draw(st.integers(0, 15)) == 0:
        prolog += '<!DOCTYPE r [<!ENTITY x "y">]>'
    junk = draw(st.sampled_from(["", "", "", "\n", "  \n", "x", "<!-- end -->", "<R/>"]))
    text = prolog + draw(st.sampled_from(["", "\n"])) + body + junk
    codec = encoding if encoding not in (None, "x-bogus-99") else "utf-8"
    try:
        data = text.encode(codec, errors="xmlcharrefreplace")
    except UnicodeEncodeError:  # surrogates or characters a codec cannot even reference
        data = text.encode("utf-8", errors="surrogatepass")
    mark = draw(st.integers(0, 9))
    if mark == 0:
        data = b"\xef\xbb\xbf" + data
    if draw(st.integers(0, 9)) == 0:
        data = data[: draw(st.integers(0, len(data)))]
    return data


def force_lists() -> Any:
    """A few element names to force into lists."""
    return st.frozensets(st.sampled_from(NAMES), max_size=4)
