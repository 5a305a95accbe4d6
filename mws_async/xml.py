"""The XML layer: response bytes -> plain dict, the one place that knows how XML is parsed.

- Namespace prefixes are stripped from element and attribute names (Products responses mix the section
  namespace and the ``default.xsd`` ``ns2:`` namespace; ``xsi:noNamespaceSchemaLocation`` becomes
  ``@noNamespaceSchemaLocation``); ``xmlns`` declarations are dropped; ``xml:lang`` keeps its prefix.
  Attributes are kept with xmltodict's ``@`` prefix (``@status``, ``@Units``) and text beside attributes
  under ``#text``. Text, attribute values, CDATA, comments and processing instructions are never
  rewritten: the bytes are changed in tags only.
- Elements named in ``force_list`` are always lists, however many times they occur.
- Entities are refused outright: any ``<!DOCTYPE``/``<!ENTITY`` makes the body an
  :class:`~mws_async.errors.UnexpectedResponseError` (no billion-laughs expansion, no external fetches).
- Bodies above ``max_bytes`` are refused before parsing, and so are bodies with more tags (``<``) than the
  tag limit (:data:`DEFAULT_MAX_TAGS`, :func:`set_max_tags`): parsing and validation work is bounded.
- Anything that is not well-formed XML raises :class:`~mws_async.errors.UnexpectedResponseError`,
  never a parser traceback.

One input rule for both backends: a byte order mark, else UTF-16/32 first bytes, else the XML
declaration's ``encoding`` decides; other encodings than UTF-8 (ISO-8859-1, windows-1252, Shift_JIS,
UTF-16/32...) are decoded strictly and re-encoded as UTF-8 with the declaration rewritten. An encoding
Python does not know, bytes invalid in the declared encoding, NUL and other control characters are an
:class:`~mws_async.errors.UnexpectedResponseError` under either backend.

Text rules (the same under either backend): each text node is trimmed of XML whitespace (space, TAB, LF),
the nodes of an element are joined, and a text that is only whitespace (any Unicode whitespace) is
dropped; line ends become LF; TAB and LF inside attribute values are kept (expat alone would turn them
into spaces). These are xmltodict-rs's rules, applied to the reference parser when a body needs them.

The parser backend is pluggable (pure-Python ``xmltodict`` or the Rust ``xmltodict-rs``): :func:`set_parser`
chooses. ``xmltodict-rs`` is a dependency of a plain install wherever a wheel exists (CPython on the common
platforms) and the default; ``xmltodict`` is the tested fallback, chosen by
``MWS_ASYNC_XML_PARSER=xmltodict`` or when the Rust package cannot be imported. The variable is read on
first use: a value naming no installed parser is a :class:`~mws_async.errors.ConfigurationError` then,
never an import-time traceback.

Both backends give the same document or the same error class for a body. The Rust backend is lax where
expat is strict and differs in details, so it only reads bodies in a "plain" subset checked in about one
C-speed pass (no control characters or CR, CDATA, comments, PIs, character references, ``]]>``, junk
around the root); every other body is read by the reference parser (expat) whatever the setting, and a
body the Rust backend refuses is settled by the reference parser too. One gap remains, for tags MWS never
sends: the Rust backend accepts some malformed tags that expat refuses (a name with a character XML does
not allow, such as ``<R$>``; attributes not separated by whitespace; ``<`` inside an attribute value).
Checking every tag would cost about half a parse on every response.
"""

from __future__ import annotations

import asyncio
import contextlib
import os
import re
import threading
import time
from collections.abc import Callable, Collection, Iterator
from typing import Any, Final, cast
from xml.parsers import expat
from xml.parsers.expat import ExpatError

import xmltodict

from mws_async.errors import ConfigurationError, UnexpectedResponseError

__all__ = [
    "DEFAULT_MAX_BYTES",
    "DEFAULT_MAX_TAGS",
    "ErrorInfo",
    "available_parsers",
    "current_parser",
    "nesting_depth",
    "paced",
    "parse",
    "parse_error_response",
    "pause",
    "set_max_tags",
    "set_parser",
    "strip_namespaces",
]

DEFAULT_MAX_BYTES: Final = 64 * 1024 * 1024
DEFAULT_MAX_TAGS: Final = 1_000_000
"""Default limit on tags (every ``<``) in one body. The largest recorded MWS answers have ~6,000 (a 158 KB
ListRecommendations page); the sandbox's 100-result GetMatchingProductForId (253 KB) ~12,400 and a 5 MB
ListMatchingProducts-like answer ~280,000. A million tags is ~20 MB of real-shaped XML and seconds of
parsing and validation; a flood of tiny elements under the byte cap (20 MB of ``<Product/>`` is 2
million) is refused before any parsing."""

_max_tags: list[int] = [DEFAULT_MAX_TAGS]
_DTD = re.compile(rb"<!\s*(?:DOCTYPE|ENTITY)", re.IGNORECASE)

# The input rule: a byte order mark, else the first bytes of UTF-16/32 text, else the XML declaration.
_BOMS: Final = (
    (b"\x00\x00\xfe\xff", "utf-32-be"),
    (b"\xff\xfe\x00\x00", "utf-32-le"),
    (b"\xfe\xff", "utf-16-be"),
    (b"\xff\xfe", "utf-16-le"),
    (b"\xef\xbb\xbf", "utf-8"),
)
_FIRST_BYTES: Final = (
    (b"\x00\x00\x00<", "utf-32-be"),
    (b"<\x00\x00\x00", "utf-32-le"),
    (b"\x00<\x00?", "utf-16-be"),
    (b"<\x00?\x00", "utf-16-le"),
)
_USUAL_DECLARATIONS: Final = frozenset(
    f"<?xml version={q}1.0{q}{e}?>".encode()
    for q in "\"'"
    for e in ("", *(f" encoding={q}{name}{q}" for name in ("UTF-8", "utf-8")))
)
_XML_DECLARATION = re.compile(
    rb"""<\?xml[ \t\r\n]+version[ \t\r\n]*=[ \t\r\n]*(?:"1\.[0-9]+"|'1\.[0-9]+')"""
    rb"""(?:[ \t\r\n]+encoding[ \t\r\n]*=[ \t\r\n]*(?:"([A-Za-z][\w.\-]*)"|'([A-Za-z][\w.\-]*)'))?"""
    rb"""(?:[ \t\r\n]+standalone[ \t\r\n]*=[ \t\r\n]*(?:"(?:yes|no)"|'(?:yes|no)'))?[ \t\r\n]*\?>"""
)

# The plain subset (see _plain): one translate pass, memchr-gated searches and O(1) checks.
# (rare byte, the markup it belongs to, how far the markup starts before the byte)
_MARKUP_NEEDLES: Final = (
    (b"!", b"<!", 1),  # CDATA, comments, DOCTYPE
    (b"?", b"<?", 1),  # processing instructions (past the XML declaration)
    (b"]", b"]]>", 0),
    (b"#", b"&#", 1),  # character references
    (b"\xef", b"\xef\xbf\xbe", 0),  # U+FFFE
    (b"\xef", b"\xef\xbf\xbf", 0),  # U+FFFF
)
_CONTROL: Final = bytes(b for b in range(32) if b not in b"\t\n")  # C0 controls and CR
_NOT_GATES: Final = bytes(b for b in range(256) if b not in _CONTROL and b not in b"!?]#\xef")
_LEADING = re.compile(rb"[ \t\n]*+<[A-Za-z_:]")
_NAME_STARTS: Final = frozenset(bytes([b]) for b in b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz_:")

# The reference path's detectors (cheap next to the pure parser): a skeleton of tag delimiters, TAB and
# LF shows tags holding TAB/LF and "<"/">" outside tags; byte classes with whitespace deleted show text
# right before a start tag (mixed content).
_SKELETON_DROP: Final = bytes(b for b in range(256) if b not in b"<>\t\n")
_CLASSES: Final = bytes(
    b if b in b"<>/" else 97 if (65 <= b <= 90 or 97 <= b <= 122 or b in b"_:") else 120 for b in range(256)
)
_UNICODE_SPACES: Final = tuple(c.encode() for c in "\x85\xa0\u1680\u2028\u2029\u202f\u205f\u3000") + tuple(
    chr(c).encode() for c in range(0x2000, 0x200B)
)
_TEXT_STARTS_WITH_SPACE = re.compile(rb">[ \t\n]*+(?:" + b"|".join(map(re.escape, _UNICODE_SPACES)) + rb")")
_TEXT_ENDS_WITH_SPACE = re.compile(  # searched in the reversed body, so it too starts at a literal byte
    rb"<[ \t\n]*+(?:" + b"|".join(re.escape(space[::-1]) for space in _UNICODE_SPACES) + rb")"
)
_NODE: Final = "\x00"  # joins text nodes in the reference parser's output (NUL cannot occur in XML text)

RawParser = Callable[[bytes, Collection[str]], Any]

# Namespaces are removed from the bytes before parsing, in C-speed passes instead of a Python walk over the
# result: xmlns declarations are cut out, and each declared prefix is dropped from tags ("<ns2:Title>" ->
# "<Title>"). Raw "<" cannot occur in text or attribute values of well-formed XML, so only tags change.
_DECL = re.compile(rb"""xmlns(?::([\w.\-]+))?\s*=\s*(?:"[^"]*"|'[^']*')""")
_SPACE = frozenset(b" \t\r\n")
# A start tag from its "<" up to an attribute position: name, complete attributes, whitespace.
_TAG_HEAD = re.compile(
    rb"""<[A-Za-z_:\x80-\xff][^\s<>"'=/]*(?:\s+[^\s<>"'=/]+\s*=\s*(?:"[^"]*"|'[^']*'))*\s+"""
)
_TAG_HEADS: set[bytes] = set()  # tag heads _TAG_HEAD has accepted (bounded; add and clear only)
# The careful path's tokens: markup whose content is not tags, or (group 1) a start or end tag.
_TOKEN = re.compile(
    rb"""<!\[CDATA\[.*?\]\]>|<!--.*?-->|<\?.*?\?>|<!.*?>|(</?[^\s<>!?/"'=][^<>"']*(?:(?:"[^"]*"|'[^']*')[^<>"']*)*>)""",
    re.DOTALL,
)
_TAG_NAME = re.compile(rb"<(/?)([^\s<>/]+)")
_ATTR = re.compile(rb"""(\s+)([^\s<>"'=/]+)(\s*=\s*(?:"[^"]*"|'[^']*'))""")
_ATTR_VALUE = re.compile(rb"""(\s[^\s<>"'=/]+\s*=\s*)("[^"]*"|'[^']*')""")


# -- cooperating with an event loop from a worker thread (Operation.aparse) ------------------------------

_paced = threading.local()
_paced_threads = [0]  # how many threads are paced: the hot path's one check
_paced_lock = threading.Lock()
_CHUNK: Final = 4 * 1024  # bytes fed to expat between stops (about a millisecond of pure-Python parsing)


@contextlib.contextmanager
def paced(loop: asyncio.AbstractEventLoop | None = None) -> Iterator[None]:
    """Mark the current worker thread: parsing (:func:`parse`) and model validation in it stop about every
    millisecond to let an event loop's thread run. Whole-body scans (tag count, DOCTYPE search, namespace
    stripping, the reference path's detectors) run over ~256 KB slices there, with stops between, instead
    of one C call over the whole body.

    With ``loop`` (the loop waiting for this thread's result, running in another thread), each stop waits
    until that loop has run the callbacks that were ready, so the loop has the GIL whenever it has work: a
    thread that only released the GIL now and then would win it back after each of the loop's I/O calls
    (which give it up), and the loop would wait again and again (the convoy effect). The thread then runs
    for at least a quarter of the time it waited, so a loop that is never idle slows the parse down rather
    than starving it. Without ``loop``, each stop is a 0.1 ms sleep."""
    if loop is not None and _running_loop() is loop:
        loop = None  # on the loop's own thread: waiting for the loop would only wait out the timeout
    _paced.on = True
    _paced.loop = loop
    _paced.slice = _TURN
    _paced.last = time.perf_counter()
    with _paced_lock:
        _paced_threads[0] += 1
    try:
        yield
    finally:
        _paced.on = False
        _paced.loop = None
        with _paced_lock:
            _paced_threads[0] -= 1


def _running_loop() -> asyncio.AbstractEventLoop | None:
    try:
        return asyncio.get_running_loop()
    except RuntimeError:
        return None


_TURN: Final = 0.001  # s a paced thread works between stops, at least
_SHARE: Final = 0.25  # ... and at least this share of its last wait for the loop
_TURN_WAIT: Final = 0.05  # s at most that a stop waits for the loop (one blocked elsewhere cannot hold it)


def pause() -> None:
    """In a thread marked by :func:`paced`, stop for the event loop when the thread's turn is over (about
    a millisecond); anywhere else, nothing (one check of a global)."""
    if _paced_threads[0] and getattr(_paced, "on", False):
        now = time.perf_counter()
        if now - _paced.last >= _paced.slice:
            loop: asyncio.AbstractEventLoop | None = _paced.loop
            if loop is None or not _wait_for_turn(loop):
                time.sleep(0.0001)
            _paced.last = time.perf_counter()
            _paced.slice = max(_TURN, (_paced.last - now) * _SHARE)


def _wait_for_turn(loop: asyncio.AbstractEventLoop) -> bool:
    """Block until ``loop`` has run the callbacks that were ready when we asked (at most
    :data:`_TURN_WAIT`); False when the loop does not run."""
    if not loop.is_running():  # stopped or closed while this thread was working: nobody would answer
        return False
    turn = threading.Event()
    try:
        loop.call_soon_threadsafe(turn.set)
    except RuntimeError:  # closed in between
        return False
    turn.wait(_TURN_WAIT)
    return True


_SLICE: Final = 256 * 1024  # bytes scanned by one C call between pauses in a paced thread (~1 ms)


def _is_paced() -> bool:
    return bool(_paced_threads[0]) and bool(getattr(_paced, "on", False))


def _cut(data: bytes, before: bytes) -> list[bytes]:
    """``[data]``, or in a paced thread ``data`` in slices of about 256 KB, each cut right before a
    ``before`` byte: a pattern that starts with that byte, or does not contain it, lies within one slice.

    A whole-body scan (count, search, replace, translate) is one C call holding the GIL; 5 MB takes tens
    of milliseconds, so a paced thread scans the slices one by one with :func:`pause` between them."""
    if len(data) <= _SLICE or not _is_paced():
        return [data]
    pieces: list[bytes] = []
    start = 0
    while start < len(data):
        cut = data.find(before, start + _SLICE)
        end = len(data) if cut < 0 else cut
        pieces.append(data[start:end])
        start = end
        pause()
    return pieces


def _pieces(data: bytes) -> Any:
    """``data``, or in a paced thread its 4 KB pieces with stops between (xmltodict feeds a generator
    to expat piece by piece; the joined text is the same)."""
    if not _is_paced():
        return data

    def pieces() -> Iterator[bytes]:
        for start in range(0, len(data), _CHUNK):
            pause()
            yield data[start : start + _CHUNK]

    return pieces()


def _xmltodict_parse(data: bytes, force_list: Collection[str]) -> Any:
    return xmltodict.parse(_pieces(data), disable_entities=True, force_list=force_list or None)


_PARSERS: dict[str, RawParser] = {"xmltodict": _xmltodict_parse}
try:  # optional fast backend (extra "fast")
    import xmltodict_rs

    def _rs_parse(data: bytes, force_list: Collection[str]) -> Any:
        return xmltodict_rs.parse(data, force_list=force_list or None)

    _PARSERS["xmltodict-rs"] = _rs_parse
except ImportError:  # pragma: no cover - depends on the environment
    pass

_ENV: Final = "MWS_ASYNC_XML_PARSER"
KNOWN_PARSERS: Final = ("xmltodict-rs", "xmltodict")
"""Every backend name :func:`set_parser` and ``MWS_ASYNC_XML_PARSER`` accept (when installed)."""

# The chosen backend, resolved from the environment on first use: the Rust backend when installed (same
# output on every recorded fixture, several times faster), else the pure-Python one.
_current: list[str | None] = [None]
_REFERENCE: Final = "xmltodict"


def available_parsers() -> list[str]:
    """Names of the installed parser backends."""
    return list(_PARSERS)


def _check_name(name: str, origin: str) -> str:
    if name not in _PARSERS:
        if name in KNOWN_PARSERS:
            raise ConfigurationError(
                f"{origin}{name!r}: the {name} package cannot be imported on this machine "
                f"(pip install {name}), or choose one of {', '.join(available_parsers())}"
            )
        raise ConfigurationError(
            f"{origin}{name!r} is not an XML parser; use one of {', '.join(available_parsers())}"
        )
    return name


def current_parser() -> str:
    """Name of the backend :func:`parse` uses (``MWS_ASYNC_XML_PARSER`` is read on the first call).

    Raises :class:`~mws_async.errors.ConfigurationError` when the variable names no installed parser.
    """
    name = _current[0]
    if name is None:
        wanted = os.environ.get(_ENV, "").strip()
        if wanted:
            name = _check_name(wanted.lower(), f"{_ENV}=")
        else:
            name = "xmltodict-rs" if "xmltodict-rs" in _PARSERS else "xmltodict"
        _current[0] = name
    return name


def set_parser(name: str) -> None:
    """Choose the parser backend (``"xmltodict"`` or ``"xmltodict-rs"``); a
    :class:`~mws_async.errors.ConfigurationError` names the installed ones otherwise."""
    _current[0] = _check_name(name, "XML parser ")


def strip_namespaces(data: bytes) -> bytes:
    """``data`` without ``xmlns`` declarations and without the declared prefixes on element and attribute
    names (``xml:lang`` keeps its prefix). Text, attribute values, CDATA sections, comments and processing
    instructions are never changed.

    A byte-level fast path handles the usual MWS body (declarations in tags, no CDATA, comments or
    processing instructions); anything else takes a careful path that rewrites tags one by one.
    """
    return _strip(data, tags_only=False)


def _strip(data: bytes, *, tags_only: bool) -> bytes:
    """:func:`strip_namespaces`; ``tags_only`` when the caller knows every "<" starts a tag (no CDATA,
    comments or processing instructions but a leading XML declaration)."""
    if b"xmlns" not in data:
        return data
    if not tags_only:
        bang = data.find(b"!")  # memchr first: the two-byte searches only when the rare byte is there
        question = data.find(b"?")
        first_pi = -1 if question < 0 else data.find(b"<?", question - 1)
        if (
            (bang >= 0 and data.find(b"<!", bang - 1) >= 0)
            or first_pi > 3
            or (first_pi >= 0 and data.find(b"<?", first_pi + 2) >= 0)
        ):
            return _strip_careful(data)  # CDATA, comments or PIs may hold "<" and "xmlns" as text
    parts: list[bytes] = []
    prefixes: set[bytes] = set()
    last = 0
    at = data.find(b"xmlns")
    while at >= 0:  # _DECL.finditer, but the scan for "xmlns" is find()'s (sre's prefix scan is slower)
        match = _DECL.match(data, at)
        if match is None:
            at = data.find(b"xmlns", at + 1)
            continue
        start, end = match.span()
        at = data.find(b"xmlns", end)
        if start == 0 or data[start - 1] not in _SPACE:
            continue  # "xmlns=" at the end of a longer name: not a declaration
        # Without CDATA, comments and processing instructions every "<" starts a tag, and "<" cannot occur
        # in attribute values: the declaration is real when the text from the last "<" is a tag head.
        tag = data.rfind(b"<", 0, start)
        head = data[tag:start]
        if head not in _TAG_HEADS:
            if tag < 0 or not _TAG_HEAD.fullmatch(head):
                return _strip_careful(data)  # "xmlns=..." in text or inside an attribute value
            if len(_TAG_HEADS) > 1000:  # MWS repeats a few dozen tags; anything else is not worth keeping
                _TAG_HEADS.clear()
            _TAG_HEADS.add(head)
        parts.append(data[last:start])
        last = end
        prefix = match.group(1)
        if prefix:
            prefixes.add(prefix)
    original = data
    if parts:
        parts.append(data[last:])
        data = b"".join(parts)
    prefixes.discard(b"xml")
    if not prefixes:
        return data
    # Slices start at a "<": every "<p:" and "</p:" lies within one, and so does any "p:".
    pieces = _cut(data, b"<")
    for prefix in prefixes:
        opening, closing = b"<" + prefix + b":", b"</" + prefix + b":"
        pieces = [_paused(piece.replace(opening, b"<").replace(closing, b"</")) for piece in pieces]
        if any(prefix + b":" in piece for piece in pieces):
            return _strip_careful(original)  # a prefixed attribute (or such text): rewrite tag by tag
    return pieces[0] if len(pieces) == 1 else b"".join(pieces)


def _paused(piece: bytes) -> bytes:
    """``piece``, after a :func:`pause` (nothing outside a paced thread)."""
    pause()
    return piece


def _strip_careful(data: bytes) -> bytes:
    """:func:`strip_namespaces` token by token: only start and end tags are rewritten."""
    prefixes: set[bytes] = set()
    for match in _TOKEN.finditer(data):
        tag = match.group(1)
        if tag is not None and b"xmlns" in tag:
            for attr in _ATTR.finditer(tag):
                name = attr.group(2)
                if name.startswith(b"xmlns:"):
                    prefixes.add(name[6:])
    prefixes.discard(b"xml")
    if not prefixes and b"xmlns" not in data:
        return data

    def rewrite(match: re.Match[bytes]) -> bytes:
        tag = match.group(1)
        if tag is None or (b":" not in tag and b"xmlns" not in tag):
            return match.group(0)
        return _rewrite_tag(tag, prefixes)

    return _TOKEN.sub(rewrite, data)


def _rewrite_tag(tag: bytes, prefixes: set[bytes]) -> bytes:
    """One start or end tag without xmlns declarations and declared prefixes."""
    head = _TAG_NAME.match(tag)
    if head is None:
        return tag
    name = _local(head.group(2), prefixes)
    rest = tag[head.end() :]
    attrs = list(_ATTR.finditer(rest))
    if not attrs:
        return b"<" + head.group(1) + name + rest
    names = [a.group(2) for a in attrs]
    targets = [_local(n, prefixes) for n in names]
    out = [b"<", head.group(1), name]
    last = 0
    for attr, original, target in zip(attrs, names, targets, strict=True):
        out.append(rest[last : attr.start()])
        last = attr.end()
        if original == b"xmlns" or original.startswith(b"xmlns:"):
            out.append(attr.group(1))  # a declaration: dropped (its whitespace kept, as on the fast path)
            continue
        if target != original and (target in names or targets.count(target) > 1):
            target = original  # stripping would make a duplicate attribute: keep this one's prefix
        out.append(attr.group(1) + target + attr.group(3))
    out.append(rest[last:])
    return b"".join(out)


def _local(name: bytes, prefixes: set[bytes]) -> bytes:
    colon = name.find(b":")
    if colon > 0 and name[:colon] in prefixes and colon + 1 < len(name):
        return name[colon + 1 :]
    return name


def set_max_tags(limit: int) -> int:
    """Set the process-wide tag limit :func:`parse` applies when not given ``max_tags``; returns the previous
    one. See :data:`DEFAULT_MAX_TAGS`."""
    if isinstance(limit, bool) or not isinstance(limit, int) or limit < 1:
        raise ConfigurationError(f"the XML tag limit must be a positive int, got {limit!r}")
    previous = _max_tags[0]
    _max_tags[0] = limit
    return previous


def parse(
    data: bytes,
    *,
    force_list: Collection[str] = frozenset(),
    max_bytes: int = DEFAULT_MAX_BYTES,
    max_tags: int | None = None,
    status_code: int | None = None,
    content_type: str | None = None,
    operation: str | None = None,
    parser: str | None = None,
) -> dict[str, Any]:
    """Parse an MWS XML body into a dict ``{RootName: {...}}`` (see the module docstring for the rules).

    ``max_tags`` bounds the work: a body with more ``<`` than that is refused before parsing (default: the
    process-wide limit, :func:`set_max_tags`). ``parser`` names the backend for this call (default: the
    current one, :func:`set_parser`).
    """

    name = parser if parser is not None else (_current[0] or current_parser())
    size = len(data)
    # The hot path: a UTF-8 body within the limits, starting with its root or a usual declaration.
    limit = _max_tags[0] if max_tags is None else max_tags
    if name != _REFERENCE and size <= max_bytes and size <= limit and data[:1] == b"<":
        start = 0
        if data[1:2] == b"?":
            start = data.find(b"?>", 5, 100) + 2
            if data[:start] not in _USUAL_DECLARATIONS:
                start = -1
        if start >= 0 and _plain(data, start):
            raw = _fast(name, data, force_list)
            if raw is not None:
                return raw
    return _parse(data, name, force_list, max_bytes, max_tags, status_code, content_type, operation)


def _fast(name: str, text: bytes, force_list: Collection[str]) -> dict[str, Any] | None:
    """The fast backend's document for a plain body, or None when it refuses the body or reads more than
    one root element (the reference parser then decides and explains)."""
    try:
        raw = _PARSERS[name](_strip(text, tags_only=True), force_list)
    except Exception:
        return None
    # One root element: the fast backend merges "<R/><R/>" into a list (force_list: a longer one).
    if type(raw) is dict and len(raw) == 1:
        root, value = next(iter(raw.items()))
        if type(value) is not list or (root in force_list and len(value) == 1):
            return cast("dict[str, Any]", raw)
    return None


def _parse(
    data: bytes,
    name: str,
    force_list: Collection[str],
    max_bytes: int,
    max_tags: int | None,
    status_code: int | None,
    content_type: str | None,
    operation: str | None,
) -> dict[str, Any]:
    """:func:`parse` for everything off the hot path: limits, encodings, the reference parser, errors."""

    def unexpected(reason: str) -> UnexpectedResponseError:
        return UnexpectedResponseError(
            reason, status_code=status_code, content_type=content_type, first_bytes=data, operation=operation
        )

    if len(data) > max_bytes:
        raise unexpected(f"body of {len(data)} bytes exceeds the {max_bytes}-byte limit for XML responses")
    if not data or data.isspace():
        raise unexpected("empty body where MWS XML was expected")
    text, declaration_end = _utf8(data, unexpected)
    limit = _max_tags[0] if max_tags is None else max_tags
    if len(text) > limit:  # cheap: a body shorter than the limit cannot have more tags than that
        tags = sum(piece.count(b"<") for piece in _cut(text, b"<"))
        if tags > limit:
            raise unexpected(
                f"body has {tags:,} tags, over the limit of {limit:,} tags for one XML response (the largest "
                "real MWS answers have a few thousand); raise it with mws_async.xml.set_max_tags() if this "
                "body is genuine"
            )
    if name not in _PARSERS:
        _check_name(name, "XML parser ")
    if name != _REFERENCE and _plain(text, declaration_end):
        # The fast backend is lax where expat is strict (junk after the root, bad names, control
        # characters...) and strips text differently; it only reads bodies in the plain subset, where the two
        # agree, and its refusals are settled by the reference parser below.
        raw = _fast(name, text, force_list)
        if raw is not None:
            return raw
    if any(_DTD.search(piece) for piece in _cut(text, b"<")):  # "<!DOCTYPE": within one slice
        raise unexpected("XML with a DOCTYPE or ENTITY declaration was refused (entities are never expanded)")
    try:
        raw = _reference(strip_namespaces(text), declaration_end, force_list)
    except (ExpatError, ValueError, LookupError) as exc:
        raise unexpected(f"body is not well-formed XML ({exc})") from None
    except RecursionError:
        raise unexpected("body is nested too deeply to parse") from None
    if not isinstance(raw, dict) or len(raw) != 1:
        raise unexpected("XML document without a single root element")
    return raw


def _plain(text: bytes, start: int) -> bool:
    """Whether the fast backend may read ``text`` (its root element from ``start``, past the XML
    declaration): about one C-speed pass, so the hot path stays fast.

    Outside this subset the reference parser reads the body under either backend: control characters and
    CR (the fast backend accepts controls and keeps CR), CDATA sections, comments, processing instructions
    and DOCTYPEs, character references and "]]>" (bad ones are accepted), U+FFFE/U+FFFF, anything but
    whitespace before or after the root element.
    """
    if (text[start + 1 : start + 2] not in _NAME_STARTS or text[start] != 60) and _LEADING.match(
        text, start
    ) is None:
        return False  # not "<" and a name right after the declaration (or whitespace before that)
    # The one pass keeps only control characters, CR and the rare bytes of other markup (a declaration
    # has two "?"), so its result is tiny.
    if len(text.translate(None, _NOT_GATES)) > (2 if start else 0) and (
        len(text.translate(None, _CONTROL)) != len(text)
        or any(_occurs(text, byte, needle, back, start) for byte, needle, back in _MARKUP_NEEDLES)
    ):
        return False
    end = len(text) - 1
    while end > start and text[end] in _SPACE:
        end -= 1
    return text[end] == 62  # ">": nothing but whitespace after the root element


def _occurs(text: bytes, byte: bytes, needle: bytes, back: int, start: int) -> bool:
    """Whether ``needle`` occurs in ``text`` from ``start``: looked for around the first few occurrences of
    its rare ``byte`` (memchr speed, ``back`` bytes before it), then by a full search."""
    at = text.find(byte, start)
    for _ in range(8):
        if at < 0:
            return False
        if text.startswith(needle, at - back):
            return True
        at = text.find(byte, at + 1)
    return text.find(needle, start) >= 0


def _reference(text: bytes, start: int, force_list: Collection[str]) -> Any:
    """The reference parser (expat through xmltodict) with the fast backend's rules for text, so that both
    backends give the same document: each text node is trimmed of XML whitespace (space, TAB, LF), the
    nodes are joined, and a text that is only (Unicode) whitespace is dropped; raw TAB/LF in attribute
    values are kept. Plain xmltodict joins
    the text nodes before stripping all Unicode whitespace, and expat turns TAB/LF in attribute values
    into spaces; the detectors below are cheap next to the parse, so plain bodies pay nothing extra."""
    if b"\r" in text:  # XML line-end handling, done before the attribute rewrite below sees the body
        text = text.replace(b"\r\n", b"\n").replace(b"\r", b"\n")
    skeleton = b"".join([piece.translate(None, _SKELETON_DROP) for piece in _cut(text, b"<")])
    bare = skeleton.translate(None, b"\t\n")
    tidy = bare.count(b"<>") * 2 == len(bare)  # "<" and ">" only around tags
    if not tidy or b"<\t" in skeleton or b"<\n" in skeleton:
        text = _TOKEN.sub(_keep_attribute_whitespace, text)
    if tidy and not _text_before_child(text, start) and (text.isascii() or not _space_at_text_edge(text)):
        return _PARSERS[_REFERENCE](text, force_list)  # every text node alone in its element: no difference
    return xmltodict.parse(
        text,
        expat=_OneNodePerCall(len(text)),
        disable_entities=True,
        force_list=force_list or None,
        strip_whitespace=False,
        cdata_separator=_NODE,
        postprocessor=_trim_nodes,
    )


def _text_before_child(text: bytes, start: int) -> bool:
    """Whether some text (not whitespace) comes right before a start tag (from ``start``, past the XML
    declaration): only then can an element hold two text nodes (``<R>a <B/> c</R>``). Every "<" must open
    an end tag, or a start tag right after a ">" (or at the start)."""
    classes = b"".join([piece.translate(_CLASSES, b" \t\n") for piece in _cut(text[start:], b"<")])
    starts = classes.count(b"><a") + (classes[:2] == b"<a")
    return classes.count(b"<") != starts + classes.count(b"</a")


def _space_at_text_edge(text: bytes) -> bool:
    """Whether non-ASCII whitespace touches a tag (modulo XML whitespace): a text node starting or ending
    with it, which expat's strip removes and the fast backend keeps."""
    # Each match runs from a ">" (or, reversed, a "<") over spaces only: within one slice cut before it.
    return any(_TEXT_STARTS_WITH_SPACE.search(piece) for piece in _cut(text, b">")) or any(
        _TEXT_ENDS_WITH_SPACE.search(piece) for piece in _cut(text[::-1], b"<")
    )


def _trim_nodes(path: Any, key: str, value: Any) -> tuple[str, Any] | None:
    """xmltodict postprocessor: the fast backend's text rule on text joined with :data:`_NODE`."""
    if not isinstance(value, str) or key[:1] == "@":
        return key, value
    text = "".join(node.strip(" \t\n") for node in value.split(_NODE))
    if text and not text.isspace():
        return key, text
    return None if key == "#text" else (key, None)


class _OneNodePerCall:
    """Stands in for :mod:`xml.parsers.expat` in ``xmltodict.parse``: parsers whose text buffer holds the
    whole body, so each text node reaches xmltodict in one piece (it joins pieces with :data:`_NODE`)."""

    def __init__(self, size: int) -> None:
        self.size = max(size, 8192)

    def ParserCreate(self, *args: Any) -> Any:
        parser = expat.ParserCreate(*args)
        parser.buffer_size = self.size
        return parser


def _keep_attribute_whitespace(match: re.Match[bytes]) -> bytes:
    """A start tag with TAB/LF in attribute values written as character references (expat keeps those)."""
    tag = match.group(1)
    if tag is None or (b"\t" not in tag and b"\n" not in tag):
        return match.group(0)
    return _ATTR_VALUE.sub(
        lambda a: a.group(1) + a.group(2).replace(b"\t", b"&#9;").replace(b"\n", b"&#10;"), tag
    )


def _utf8(data: bytes, unexpected: Callable[[str], UnexpectedResponseError]) -> tuple[bytes, int]:
    """The body as UTF-8 and the end of its XML declaration (0 without one): the one input rule for both
    backends. A byte order mark, else UTF-16/32 first bytes, else the declaration's ``encoding`` decides;
    other encodings than UTF-8 are decoded (strictly) and re-encoded with the declaration rewritten."""
    codec = None
    offset = 0
    if data[:1] != b"<":  # the usual body starts with "<?xml" or its root: nothing to detect
        for mark, name in _BOMS:
            if data.startswith(mark):
                codec, offset = name, len(mark)
                break
        else:
            for head, name in _FIRST_BYTES:
                if data.startswith(head):
                    codec = name
                    break
    if codec is not None and codec != "utf-8":
        try:
            data = data[offset:].decode(codec).encode("utf-8")
        except UnicodeError as exc:
            raise unexpected(f"body is not valid {codec}, as its first bytes say ({_reason(exc)})") from None
    elif offset:
        data = data[offset:]
    if not data.startswith(b"<?xml"):
        return data, 0
    if codec is None:
        end = data.find(b"?>", 5, 100) + 2
        if data[:end] in _USUAL_DECLARATIONS:
            return data, end
    declaration = _XML_DECLARATION.match(data)
    if declaration is None:
        return data, 0  # a malformed declaration: the reference parser refuses it
    group = 1 if declaration.group(1) is not None else 2
    declared = declaration.group(group)
    if declared is None or codec is not None or declared.lower() == b"utf-8":
        if codec is not None and declared is not None and declared.lower() != b"utf-8":
            data = _declare_utf8(data, declaration, group)  # the byte order mark won
            return data, declaration.end() - len(declared) + 5
        return data, declaration.end()
    encoding = declared.decode("ascii")
    try:
        data = data.decode(encoding).encode("utf-8")
    except LookupError:
        raise unexpected(
            f"the XML declaration names the encoding {encoding!r}, which is not a known text encoding"
        ) from None
    except UnicodeError as exc:
        raise unexpected(
            f"body is not valid {encoding}, as its XML declaration says ({_reason(exc)})"
        ) from None
    declaration = _XML_DECLARATION.match(data)
    if declaration is None:
        raise unexpected(f"body does not read as XML in {encoding}, the encoding its declaration names")
    group = 1 if declaration.group(1) is not None else 2
    end = declaration.end() - len(declaration.group(group)) + 5
    return _declare_utf8(data, declaration, group), end


def _declare_utf8(data: bytes, declaration: re.Match[bytes], group: int) -> bytes:
    start, end = declaration.span(group)
    return data[:start] + b"UTF-8" + data[end:]


def _reason(exc: UnicodeError) -> str:
    if isinstance(exc, UnicodeDecodeError):
        return f"{exc.reason} at byte {exc.start}"
    return str(exc)


class ErrorInfo(dict[str, Any]):
    """One ``<Error>`` of an ErrorResponse: keys Type, Code, Message, Detail (strings or None)."""


_ERROR_LISTS: Final = frozenset({"Error"})


def _text(value: Any) -> str | None:
    if value is None:
        return None
    if isinstance(value, dict):
        text = value.get("#text")
        return text.strip() if isinstance(text, str) else None
    return str(value).strip()


_MAX_DETAIL_DEPTH: Final = 20


def nesting_depth(value: Any, limit: int) -> int:
    """How deeply ``value`` nests dicts and lists, counted without recursion and up to ``limit + 1`` (a
    parsed document can be nested far deeper than ``repr``, ``pickle`` or ``==`` can recurse)."""
    level = [value]
    depth = 0
    while depth <= limit:
        children: list[Any] = []
        for item in level:
            if isinstance(item, dict):
                children.extend(item.values())
            elif isinstance(item, list):
                children.extend(item)
        if not children:
            return depth
        level = children
        depth += 1
    return depth


def _render(detail: dict[str, Any]) -> str:
    depth = nesting_depth(detail, _MAX_DETAIL_DEPTH)
    if depth > _MAX_DETAIL_DEPTH:
        return f"<Detail with elements nested more than {_MAX_DETAIL_DEPTH} levels deep, not shown>"
    return str(detail)


def parse_error_response(
    data: bytes,
    *,
    status_code: int | None = None,
    content_type: str | None = None,
    operation: str | None = None,
) -> tuple[list[ErrorInfo], str | None]:
    """Parse an ``ErrorResponse`` body into its errors and RequestID (``RequestId`` also accepted).

    Raises :class:`UnexpectedResponseError` when the body is not an ErrorResponse.
    """
    doc = parse(
        data, force_list=_ERROR_LISTS, status_code=status_code, content_type=content_type, operation=operation
    )
    root_name, root = next(iter(doc.items()))
    if root_name != "ErrorResponse" or not isinstance(root, dict) or not root.get("Error"):
        raise UnexpectedResponseError(
            f"expected an ErrorResponse, got <{root_name}>",
            status_code=status_code,
            content_type=content_type,
            first_bytes=data,
            operation=operation,
        )
    errors: list[ErrorInfo] = []
    for item in root["Error"]:
        item = item if isinstance(item, dict) else {}
        detail = item.get("Detail")
        errors.append(
            ErrorInfo(
                Type=_text(item.get("Type")) or None,
                Code=_text(item.get("Code")) or "Unknown",
                Message=" ".join((_text(item.get("Message")) or "").split()),
                Detail=None
                if detail is None
                else (_text(detail) if not isinstance(detail, dict) else _render(detail)),
            )
        )
    request_id = _text(root.get("RequestID")) or _text(root.get("RequestId"))
    return errors, request_id
