"""Extracting the strings of the templates (babel.cfg names `extract_templates` for them): Jinja's
own extractor, except that the safety mark belongs to every string of the line or tag after it.

Jinja gives a `{# Translators: ... #}` comment to the first string after it only, so in
`{{ _("Home") }} {{ _("Know the signs") }}` or in a `{% set %}` of several labels the others
lost it silently. The safety mark ("Translators: SAFETY", read by app/translation_policy.py)
must not depend on how many strings share a line. Other comments stay with the first string, as
their authors wrote them for it ("a column heading: the short code printed on a poster").
"""
from __future__ import annotations

from jinja2 import Environment
from jinja2.ext import babel_extract

from app.translation_policy import is_safety_mark

TAG_BEGINS = ("variable_begin", "block_begin")
TAG_ENDS = ("variable_end", "block_end")


def _tag_start_lines(source: str) -> dict[int, int]:
    """For each line inside a tag that began on an earlier line, the line where it began."""
    environment = Environment(extensions=["jinja2.ext.i18n"])
    starts: dict[int, int] = {}
    begin = None
    for lineno, kind, _ in environment.lex(source):
        if kind in TAG_BEGINS:
            begin = lineno
        elif kind in TAG_ENDS and begin is not None:
            for line in range(begin + 1, lineno + 1):
                starts.setdefault(line, begin)
            begin = None
    return starts


def extract_templates(fileobj, keywords, comment_tags, options):
    """babel_extract's messages; each also carries the safety mark of the first message of its line
    or tag."""
    source = fileobj.read()
    fileobj.seek(0)
    messages = list(babel_extract(fileobj, keywords, comment_tags, options))
    starts = _tag_start_lines(source.decode(options.get("encoding", "utf-8")))
    marks_of_line: dict[int, list[str]] = {}
    for lineno, function, message, comments in messages:
        line = starts.get(lineno, lineno)
        marks = marks_of_line.setdefault(line, [comment for comment in comments if is_safety_mark(comment)])
        yield lineno, function, message, comments or marks
