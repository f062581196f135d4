"""Anki field HTML to the plain text quiz shows: tags stripped, entities decoded, line breaks kept.

Block elements (`<br>`, `<div>`, `<p>`, `<li>`, ...) become new lines, other tags vanish, runs of
HTML white space become one space, and media become placeholders the learner can open:
`<img src="x.png">` is `[image: x.png]`, `[sound:y.mp3]` is `[audio: y.mp3]`. The result is
`clean()`ed, so no escape or control character survives.

Regular expressions rather than html.parser, like Anki's own html_to_text: fields are small
fragments, and a 20,000-note package converts tens of thousands of them (html.parser takes several
times as long per fragment). Every pattern here runs in time linear in its input, however hostile:
a tag cannot span a raw '<', and hidden elements are cut with str.find, so no field can make a
substitution rescan the text from each of its '<'.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from html import unescape

from quiz.text import clean as _clean

# A media reference: (kind, src) -> the text shown in its place. kind is "image", "audio" or "video".
MediaHook = Callable[[str, str], str]

_DROP_START = re.compile(r"<(?:!--|(script|style|head|title|template)(?![a-zA-Z0-9:-]))", re.I)
_SPECIAL_TAG = re.compile(r"<(?:!--|script|style|head|title|template|img|audio|video|source|embed)", re.I)
# A tag's attributes. No raw '<' inside, quoted or not: each '<' is then tried against the text up to
# the next '<' only, which keeps every substitution linear in the field's length.
_ATTRS = r"""(?:[^<>"']|"[^"<]*"|'[^'<]*')*"""
_BLOCKS = ("br|div|p|li|ul|ol|dl|dt|dd|tr|table|hr|h[1-6]|blockquote|pre|section|article|header|footer|figure|"
           "figcaption|summary|details|address")
_BREAK = re.compile(rf"</?(?:{_BLOCKS})(?![a-zA-Z0-9:-]){_ATTRS}>", re.I)  # a block element's tags: new lines
_MEDIA_TAG = re.compile(rf"<(img|audio|video|source|embed)(?![a-zA-Z0-9:-])({_ATTRS})>", re.I)
_ANY_TAG = re.compile(rf"</?[a-zA-Z][a-zA-Z0-9:-]*{_ATTRS}>")
_SRC = re.compile(r"""(?:^|\s)src\s*=\s*(?:"([^"]*)"|'([^']*)'|([^\s"'>]+))""", re.I)
_SOUND = re.compile(r"\[sound:([^\[\]\n]{1,255})\]")
_HOLE = re.compile("\ue000(\\d+)\ue001")  # private-use marks, removed from the input first
_MEDIA_KINDS = {"img": "image", "audio": "audio", "video": "video", "source": "audio", "embed": "video"}
_VIDEO_EXTENSIONS = frozenset({"mp4", "webm", "mkv", "mov", "avi", "ogv", "m4v", "mpg", "mpeg", "flv"})


# ESC and the C1 controls that open escape sequences. Many of them without their terminators make
# quiz.text.clean() slow (its sequence pattern rescans the rest of the text from each one).
_INTRODUCERS = re.compile(r"[\x1b\x90\x98\x9b\x9d\x9e\x9f]")
_ALL_CONTROLS = dict.fromkeys([*range(0x09), *range(0x0B, 0x20), *range(0x7F, 0xA0)])


def clean(text: str) -> str:
    """quiz.text.clean(), in linear time whatever the input.

    Text with more than a few escape introducers is hostile, not a field someone typed: all its
    control characters go at once, which leaves the sequences' printable remains as plain text.
    """
    if text.isprintable():
        return text
    if len(_INTRODUCERS.findall(text, 0, 1 << 20)) > 16:
        text = text.replace("\r\n", "\n").replace("\r", "\n").translate(_ALL_CONTROLS)
    return _clean(text)


def placeholder(kind: str, name: str) -> str:
    """The text shown where a card has a media file: `[image: red-square.png]`."""
    return f"[{kind}: {name}]" if name else f"[{kind}]"


def _default_media(kind: str, src: str) -> str:
    return placeholder(kind, src)


def media_kind(name: str) -> str:
    """"video" or "audio" for a `[sound:NAME]` reference, from the file's extension."""
    return "video" if name.rpartition(".")[2].lower() in _VIDEO_EXTENSIONS else "audio"


def html_to_text(html: str, media: MediaHook | None = None) -> str:
    """The plain text an HTML fragment shows, with media as placeholders (see the module doc)."""
    # Runs on every field of every card imported: each step is skipped when it has nothing to do,
    # and done as one C-level substitution where it can be.
    if "<" not in html and "&" not in html and "[sound:" not in html:
        return " ".join(clean(html).split())
    media = media or _default_media
    holes: list[str] = []  # media placeholders, put back after the text is tidied
    if "\ue000" in html or "\ue001" in html:
        html = html.replace("\ue000", "").replace("\ue001", "")
    html = clean(" ".join(html.split()))  # HTML white space (any run is one space); no escape from here on
    if "<" in html:
        plain = _plain_tags(html)
        if plain is not None:
            html = plain
        else:
            if _SPECIAL_TAG.search(html):
                if _DROP_START.search(html):
                    html = _drop_hidden(html)
                if _MEDIA_TAG.search(html):
                    html = _MEDIA_TAG.sub(lambda match: _media_tag(match, media, holes), html)
            html = _ANY_TAG.sub("", _BREAK.sub("\n", html))
    if "&" in html:
        html = _unescape(html)
        if not html.replace("\n", "").isprintable():
            html = clean(html)  # a numeric entity (&#27;) can spell a control character
    if "[sound:" in html:
        html = _SOUND.sub(lambda m: _hole(holes, media(media_kind(m[1]), m[1].strip())), html)
    text = _tidy(html, cleaned=True)
    if holes:
        text = _HOLE.sub(lambda m: holes[int(m[1])], text)
    return text


# Most fields' tags are plain ones without attributes: <b>, </i>, <br>, <br />, <div>. When every '<' opens
# one of these names, the general tag stage (_SPECIAL_TAG, _BREAK, _ANY_TAG) does exactly this: block
# names become a new line, the others nothing (none is special or starts like a special tag; see the
# tests). One pass, without the case-insensitive patterns.
_PLAIN_TAG = re.compile(r"<(/?)([a-zA-Z][a-zA-Z0-9]{0,11})( ?/)?>")
_PLAIN_BLOCKS = frozenset({"br", "div", "p", "li", "ul", "ol", "dl", "dt", "dd", "tr", "table", "hr", "h1", "h2",
                           "h3", "h4", "h5", "h6", "blockquote", "pre", "section", "article", "footer", "figure",
                           "figcaption", "summary", "details", "address"})
_PLAIN_INLINE = frozenset({"b", "i", "u", "s", "em", "strong", "span", "sub", "sup", "small", "big", "font", "code",
                           "mark", "a", "td", "th", "tbody", "thead", "center", "q", "cite", "del", "ins", "kbd",
                           "var", "tt", "strike", "ruby", "rt", "rp", "abbr", "label", "nobr", "wbr"})


def _plain_tag(match: re.Match) -> str:
    name = match[2].lower()
    if name in _PLAIN_BLOCKS:
        return "\n"
    if name in _PLAIN_INLINE:
        return ""
    return "<"  # not a plain tag: left as a '<', which sends the text to the general stage


# The commonest plain tags, written just so: when they are all a field has, two substitutions without a
# call per tag do what the tag stages do (a break cannot join what is around it into a tag: it is "\n";
# `<br >`, which _PLAIN_TAG leaves to the general stage, is a new line there too).
_COMMON_BREAK = re.compile(r"<(?:br ?/?|/?div|/?p)>")
_COMMON_INLINE = re.compile(r"</?(?:b|i|u|em|strong|span|sub|sup)>")


def _plain_tags(html: str) -> str | None:
    """The general tag stage's result when every tag in the text is a plain one, else None."""
    text = _COMMON_INLINE.sub("", _COMMON_BREAK.sub("\n", html))
    if "<" not in text:
        return text
    text = _PLAIN_TAG.sub(_plain_tag, html)
    return None if "<" in text else text


def _hole(holes: list[str], text: str) -> str:
    holes.append(clean(text))
    return f" \ue000{len(holes) - 1}\ue001 "  # spaced from the words around it


def _media_tag(match: re.Match, media: MediaHook, holes: list[str]) -> str:
    kind = _MEDIA_KINDS[match[1].lower()]
    src = _SRC.search(match[2])
    if not src:
        return ""
    value = unescape(src[1] if src[1] is not None else src[2] if src[2] is not None else src[3])
    return _hole(holes, media(kind if kind == "image" else media_kind(value), value.strip()))


def _unescape(text: str) -> str:
    """html.unescape(text); when every '&' starts &amp;, &lt;, &gt;, &quot; or &nbsp; (most fields), by replace().

    Each of those names ends at its ';', so unescape reads each the same wherever it stands; &amp; goes
    last, so the '&' it makes never starts another entity (unescape makes one pass too).
    """
    ampersands = text.count("&")
    if ampersands == text.count("&amp;"):  # (the commonest)
        return text.replace("&amp;", "&")
    if ampersands == (text.count("&amp;") + text.count("&nbsp;") + text.count("&lt;") + text.count("&gt;")
                      + text.count("&quot;")):
        return text.replace("&nbsp;", "\xa0").replace("&lt;", "<").replace("&gt;", ">").replace(
            "&quot;", '"').replace("&amp;", "&")
    return unescape(text)


def _drop_hidden(html: str) -> str:
    """Remove comments and the content of script, style, head, title and template elements (to their end,
    or the end of the text when they are not closed), in one pass."""
    lower = html.lower()
    out, pos = [], 0
    while (match := _DROP_START.search(html, pos)) is not None:
        out.append(html[pos:match.start()])
        if match[1] is None:  # a comment
            end = lower.find("-->", match.end())
            pos = len(html) if end < 0 else end + 3
        else:
            end = lower.find("</" + match[1].lower(), match.end())
            close = html.find(">", end) if end >= 0 else -1
            pos = len(html) if close < 0 else close + 1
    out.append(html[pos:])
    return "".join(out)


def plain_to_text(text: str) -> str:
    """A plain-text field as shown: clean, without surrounding blank space."""
    return clean(text).strip()


def one_line(text: str, limit: int = 300) -> str:
    """Text for an error message: clean, on one line, at most `limit` characters."""
    text = " ".join(clean(text).split())
    return text if len(text) <= limit else text[:limit - 1] + "…"


def _tidy(text: str, cleaned: bool = False) -> str:
    """Clean, one space between words, no blank lines, nothing around."""
    if not cleaned:
        text = clean(text)
    if "\n" not in text:
        return " ".join(text.split())
    lines = (" ".join(line.split()) for line in text.split("\n"))
    return "\n".join(line for line in lines if line)


def is_html(text: str) -> bool:
    """Whether a field looks like HTML (a tag or an entity): how a text export without `#html:` is read."""
    return bool(_LOOKS_HTML.search(text))


_LOOKS_HTML = re.compile(r"</?[a-zA-Z][a-zA-Z0-9]{0,20}(?:\s[^<>]{0,500})?/?>"
                         r"|&(?:[a-zA-Z]{2,8}|#\d{1,7}|#x[0-9a-fA-F]{1,6});")
