"""Korean and Chinese pages on a 360 px phone, as Chromium lays them out: a Korean word is never
split across two lines (계/획하고 reads as two words), and no Chinese line starts with a comma or a
full stop."""
from __future__ import annotations

import pytest

from app.public.views import CONTENT_PAGES

PAGES = ["", *sorted(CONTENT_PAGES)]

# For each run of Hangul syllables (one word, or the letters of one) in the page's main text:
# the run, if its letters sit on more than one line.
SPLIT_KOREAN_WORDS = r"""() => {
  const split = [];
  const walker = document.createTreeWalker(document.querySelector('main'), NodeFilter.SHOW_TEXT);
  for (let node; (node = walker.nextNode());) {
    for (const match of node.data.matchAll(/[\uac00-\ud7a3]+/g)) {
      const range = document.createRange();
      range.setStart(node, match.index);
      range.setEnd(node, match.index + match[0].length);
      const tops = [...range.getClientRects()].map(r => Math.round(r.top));
      if (tops.some(top => Math.abs(top - tops[0]) > 2)) split.push(match[0]);
    }
  }
  return split;
}"""

# Closing punctuation that begins a line, with the text before it.
LINES_STARTING_WITH_PUNCTUATION = r"""() => {
  const found = [];
  const top = (node, i) => {
    const range = document.createRange();
    range.setStart(node, i);
    range.setEnd(node, i + 1);
    const rects = range.getClientRects();
    return rects.length ? rects[rects.length - 1].top : null;
  };
  const walker = document.createTreeWalker(document.querySelector('main'), NodeFilter.SHOW_TEXT);
  for (let node; (node = walker.nextNode());) {
    for (const match of node.data.matchAll(/[，。、：；？！）」』》]/g)) {
      if (match.index === 0) continue;
      const before = top(node, match.index - 1), after = top(node, match.index);
      if (before !== null && after !== null && after > before + 2) {
        found.push(node.data.slice(Math.max(0, match.index - 6), match.index + 1));
      }
    }
  }
  return found;
}"""


@pytest.mark.parametrize("slug", PAGES)
def test_korean_words_stay_whole_on_a_phone(live_server, browser_page, slug):
    browser_page.goto(f"/ko/{slug}")
    assert browser_page.evaluate(SPLIT_KOREAN_WORDS) == []


@pytest.mark.parametrize("slug", PAGES)
def test_no_chinese_line_starts_with_closing_punctuation_on_a_phone(live_server, browser_page, slug):
    browser_page.goto(f"/zh_Hans/{slug}")
    assert browser_page.evaluate(LINES_STARTING_WITH_PUNCTUATION) == []
