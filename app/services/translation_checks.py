"""Machine checks on a translation, run on every catalog in CI and on every suggestion.

A wrong translation of "call 911" or of the report form can put someone in danger, so a
translation must keep what the English has to keep: placeholders, markup, links, numbers to
dial; and must add nothing that runs.
"""
from __future__ import annotations

import re
from dataclasses import dataclass

PLACEHOLDER = re.compile(r"%\([a-z_]+\)[sd]|%%|\{[a-z_]+\}")
TAG = re.compile(r"</?([a-zA-Z][a-zA-Z0-9]*)\b[^>]*>")
ATTRIBUTE = re.compile(r"""\s([a-zA-Z-]+)\s*=\s*("[^"]*"|'[^']*'|[^\s>]+)""")
URL = re.compile(r"""(?:https?://|www\.|tel:|sms:|mailto:)[^\s"'<>]+""", re.I)
# Numbers people dial or type; they must survive translation digit for digit (Western digits).
PHONE = re.compile(r"(?<![\d-])(?:911|988|741741|1-800-[0-9A-Z-]+|\+?1?[ -]?\(?\d{3}\)?[ -]\d{3}-\d{4})(?![\d-])")
DANGEROUS = re.compile(r"<\s*(script|style|iframe|object|embed|svg|math|link|meta|base|form)\b|\bon[a-z]+\s*=|javascript:", re.I)
LONGER_THAN_BUTTON = 1.6


@dataclass(frozen=True)
class Problem:
    code: str
    message: str
    blocking: bool = True


def _tags(text: str) -> list[tuple[str, tuple]]:
    return sorted((match.group(0).startswith("</"), match.group(1).lower(),
                   tuple(sorted(ATTRIBUTE.findall(match.group(0)))))
                  for match in TAG.finditer(text))


def _balanced(text: str) -> bool:
    stack = []
    for match in TAG.finditer(text):
        name = match.group(1).lower()
        if match.group(0).endswith("/>") or name in {"br", "wbr"}:
            continue
        if match.group(0).startswith("</"):
            if not stack or stack.pop() != name:
                return False
        else:
            stack.append(name)
    return not stack


def check_translation(source: str, translation: str, *, is_button: bool = False) -> list[Problem]:
    """What is wrong with `translation` of `source`; an empty list when it may ship."""
    problems = []
    if sorted(PLACEHOLDER.findall(source)) != sorted(PLACEHOLDER.findall(translation)):
        problems.append(Problem("placeholders", "Keep every placeholder such as %(count)s exactly as in the English."))
    if DANGEROUS.search(translation) and not DANGEROUS.search(source):
        problems.append(Problem("script", "Scripts, event handlers and similar markup are not allowed."))
    if _tags(source) != _tags(translation) or not _balanced(translation):
        problems.append(Problem("markup", "Keep the same HTML tags, with the same attributes, as the English."))
    if sorted(URL.findall(source)) != sorted(URL.findall(translation)):
        problems.append(Problem("links", "Keep every web address and link exactly as in the English."))
    if sorted(PHONE.findall(source)) != sorted(PHONE.findall(translation)):
        problems.append(Problem("phone", "Keep every phone number (such as 911 and 988) exactly as in the English, in the same digits."))
    if is_button and len(translation) > LONGER_THAN_BUTTON * max(len(source), 8):
        problems.append(Problem("length", "This is much longer than the English and may not fit on its button.", blocking=False))
    return problems


def check_plural_forms(translations: list[str], expected_count: int) -> list[Problem]:
    if len(translations) != expected_count or not all(translations):
        return [Problem("plurals", f"This language needs {expected_count} plural forms, all filled in.")]
    return []
