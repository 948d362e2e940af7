"""Machine checks on a translation, run on every catalog in CI, on every suggestion and again on
its approval: `check_translation` is the one function all of them call.

A wrong translation of "call 911" or of the report form can put someone in danger, so a
translation must keep what the English has to keep: placeholders, markup, links, numbers to
dial; and must add nothing: no tag, attribute, comment or link the English lacks, and no number
a reader could dial.

Markup is read by an HTML5 parser (html5lib, which follows the WHATWG parsing algorithm that
browsers follow), not by patterns: a template renders a translation as markup, so what counts is
what a browser makes of it. `<a/href=//x href=...>` is an <a> whose href is //x to a browser,
and an unclosed `<!--` swallows the rest of the page; a regular expression sees neither. Numbers,
addresses and e-mails are then looked for in the text a reader sees, character references decoded.
"""
from __future__ import annotations

import html
import re
from collections import Counter
from dataclasses import dataclass
from functools import lru_cache

import html5lib

PLACEHOLDER = re.compile(r"%\([a-z_]+\)[sd]|%%|\{[a-z_]+\}")
# Elements and attributes that run code or load something: named apart from other markup
# changes, because a reviewer must know that this is an attack, not a slip.
RUNS_CODE = frozenset({"script", "style", "iframe", "frame", "object", "embed", "svg", "math", "link", "meta",
                       "base", "form", "input", "button", "img", "video", "audio", "source", "template"})
CODE_SCHEMES = ("javascript:", "vbscript:", "data:")
# Parse errors that change nothing a reader sees but text: a lone "&" or "<" ("Q&A", "a < b").
# Every other parse error (a stray end tag, an attribute written twice, "<a/href", an unclosed
# comment or tag) means the browser may read the markup otherwise than the writer meant.
HARMLESS_PARSE_ERRORS = frozenset({"expected-named-entity", "named-entity-without-semicolon",
                                   "expected-numeric-entity", "numeric-entity-without-semicolon",
                                   "expected-tag-name"})
CHARACTER_REFERENCE = re.compile(r"&(?:#[0-9]+;?|#[xX][0-9a-fA-F]+;?|[A-Za-z][A-Za-z0-9]*;?)")
# A run of digits, in any script: a number a reader could dial (911, 988, 112, 119, 000, the
# parts of 1-800-225-5324). Runs, not whole numbers, so that "911 or 988" is two numbers.
DIGITS = re.compile(r"\d+")
# A translation may drop "24" of "24/7" (saying "at any hour"), but must keep every longer number;
# it may add no number of two digits or more (15, 17 and 18 are emergency numbers in France).
KEPT_DIGITS = 3
DIALABLE_DIGITS = 2
URL_CHARACTERS = r"[\w\-.~:/?#@!$&*+,;=%]"
ADDRESS = re.compile(  # ASCII: an address ends where another script starts ("tips.fbi.gov에서")
    r"(?:\b(?:https?|ftp|tel|sms|mailto|callto|javascript|data|whatsapp|viber|tg|skype|facetime):(?://)?"
    r"|//|\bwww\.)" + URL_CHARACTERS + "+"  # a link (https:, tel:, sms:...), //host, www.
    r"|[\w.+-]+@[\w-]+(?:\.[\w-]+)+"  # an e-mail address
    r"|\b(?:[a-z0-9-]+\.)+(?:com|org|net|gov|edu|info|io|us|uk|example|ly|co|me|app|link)\b"
    + URL_CHARACTERS + "*",  # a bare domain name, as in tips.fbi.gov
    re.I | re.ASCII)
LONGER_THAN_BUTTON = 1.6


@dataclass(frozen=True)
class Problem:
    code: str
    message: str
    blocking: bool = True


@dataclass(frozen=True)
class Reading:
    """A string as a browser reads it."""
    elements: tuple  # sorted (tag, sorted attributes) of every element
    comments: tuple[str, ...]
    parse_errors: tuple[str, ...]
    text: str  # what a reader sees, character references decoded
    referenced: tuple[str, ...]  # ASCII characters written as character references (&#57; for 9)


def _referenced_ascii(text: str) -> tuple[str, ...]:
    # "&#60;a&#62;" or "&#57;11" hides markup or a number from a reader of the catalog who is
    # not a browser; a translation has no reason to write a plain ASCII character that way.
    found = []
    for match in CHARACTER_REFERENCE.finditer(text):
        decoded = html.unescape(match.group(0))
        if decoded != match.group(0) and decoded[:1].isascii() and not decoded[:1].isspace():
            found.append(decoded[:1])
    return tuple(sorted(found))


@lru_cache(maxsize=8192)
def read_markup(text: str) -> Reading:
    """Parse `text` as the content of an element, as a browser does."""
    if not any(mark in text for mark in "<&\0"):  # plain text, as most strings are: nothing to parse
        return Reading((), (), (), text, ())
    parser = html5lib.HTMLParser(namespaceHTMLElements=False)  # one per call: it keeps state
    fragment = parser.parseFragment(text)
    elements, comments, words = [], [], [fragment.text or ""]
    for node in fragment.iter():
        if node is fragment:
            continue
        if isinstance(node.tag, str):
            elements.append((node.tag, tuple(sorted(node.attrib.items()))))
            words.append(node.text or "")
        else:  # ElementTree's Comment
            comments.append(node.text or "")
        words.append(node.tail or "")
    errors = tuple(sorted(code for _, code, _ in parser.errors if code not in HARMLESS_PARSE_ERRORS))
    return Reading(tuple(sorted(elements)), tuple(comments), errors, " ".join(words), _referenced_ascii(text))


def dialable_numbers(text: str) -> Counter:
    """The digit runs a reader could dial, as written (Arabic-Indic ٩١١ is not 911)."""
    return Counter(run for run in DIGITS.findall(text) if len(run) >= DIALABLE_DIGITS)


def addresses(text: str) -> set[str]:
    """Web addresses, tel:/sms:/mailto: links and e-mail addresses in a reader's text."""
    return {match.rstrip(".,;:!?)»”") for match in ADDRESS.findall(PLACEHOLDER.sub(" ", text))}


def _runs_code(reading: Reading) -> set:
    return {element for element in reading.elements
            if element[0] in RUNS_CODE
            or any(name.startswith("on") or value.strip().lower().startswith(CODE_SCHEMES)
                   for name, value in element[1])}


def _markup_problems(source: Reading, translation: Reading) -> list[Problem]:
    problems = []
    if _runs_code(translation) - _runs_code(source):
        problems.append(Problem("script", "Scripts, event handlers and similar markup are not allowed."))
    if (source.elements != translation.elements or Counter(translation.parse_errors) - Counter(source.parse_errors)
            or set(translation.comments) - set(source.comments)):
        problems.append(Problem("markup", "Keep the same HTML tags, with the same attributes, as the English."))
    if Counter(translation.referenced) - Counter(source.referenced):
        problems.append(Problem("references", "Write every character as itself, not as an HTML character "
                                              "reference such as &#60; or &#57;."))
    return problems


def _number_problems(source: Reading, translation: Reading) -> list[Problem]:
    kept, written = dialable_numbers(source.text), dialable_numbers(translation.text)
    problems = []
    if +Counter({run: count for run, count in kept.items() if len(run) >= KEPT_DIGITS}) - written:
        problems.append(Problem("phone", "Keep every phone number (such as 911 and 988) exactly as in the English, "
                                         "in the same digits."))
    if set(written) - set(kept):
        problems.append(Problem("new_number", "Add no number that the English does not have: a reader could dial "
                                              "it instead of 911 or 988."))
    return problems


def _address_problems(source: Reading, translation: Reading) -> list[Problem]:
    kept, written = addresses(source.text), addresses(translation.text)
    problems = []
    if kept - written:
        problems.append(Problem("links", "Keep every web address and link exactly as in the English."))
    if written - kept:
        problems.append(Problem("new_link", "Add no web address, link or e-mail address that the English does not "
                                            "have."))
    return problems


def check_translation(source: str, translation: str, *, is_button: bool = False) -> list[Problem]:
    """What is wrong with `translation` of `source`; an empty list when it may ship."""
    problems = []
    if sorted(PLACEHOLDER.findall(source)) != sorted(PLACEHOLDER.findall(translation)):
        problems.append(Problem("placeholders", "Keep every placeholder such as %(count)s exactly as in the English."))
    read_source, read_translation = read_markup(source), read_markup(translation)
    problems += _markup_problems(read_source, read_translation)
    problems += _address_problems(read_source, read_translation)
    problems += _number_problems(read_source, read_translation)
    if is_button and len(translation) > LONGER_THAN_BUTTON * max(len(source), 8):
        problems.append(Problem("length", "This is much longer than the English and may not fit on its button.",
                                blocking=False))
    return problems


def check_plural_forms(translations: list[str], expected_count: int) -> list[Problem]:
    if len(translations) != expected_count or not all(translations):
        return [Problem("plurals", f"This language needs {expected_count} plural forms, all filled in.")]
    return []


# What a reviewer sees ----------------------------------------------------------------------

VOID_ELEMENTS = frozenset({"br", "wbr", "hr", "img", "input", "meta", "link", "source"})


def _start_tag(tag: str, attributes) -> str:
    return f"<{tag}" + "".join(f' {name}="{html.escape(value)}"' for name, value in attributes) + ">"


def _render_node(node, allowed: set, out: list[str]) -> None:
    if not isinstance(node.tag, str):  # a comment: shown as the text it is
        out.append(html.escape(f"<!--{node.text or ''}-->"))
    else:
        attributes = tuple(sorted(node.attrib.items()))
        kept = (node.tag, attributes) in allowed
        start, end = _start_tag(node.tag, attributes), f"</{node.tag}>"
        out.append(start if kept else html.escape(start))
        out.append(html.escape(node.text or ""))
        for child in node:
            _render_node(child, allowed, out)
        if node.tag not in VOID_ELEMENTS:
            out.append(end if kept else html.escape(end))
    out.append(html.escape(node.tail or ""))


def render_as_allowed(source: str, translation: str) -> str:
    """The translation as HTML a reviewer can look at: the tags of the English, with exactly its
    attributes, render; any other tag, attribute or comment shows as the text it is."""
    allowed = set(read_markup(source).elements)
    fragment = html5lib.HTMLParser(namespaceHTMLElements=False).parseFragment(translation)
    out = [html.escape(fragment.text or "")]
    for child in fragment:
        _render_node(child, allowed, out)
    return "".join(out)
