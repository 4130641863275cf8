"""The wording walk's reader of programmer's words (tests/support/page_text.py) catches what issue 40
found on the pages, and lets the Chinese wording through."""

from __future__ import annotations

import pytest

from tests.support.page_text import programmer_words


@pytest.mark.parametrize(
    "text, found",
    [
        ("现场监督人输入 observer:区人大代表 赵某 0917", ["observer:"]),  # a key before Chinese text
        ("规则 rule first_drawn", ["first_drawn"]),  # an identifier
        ("依据文件001第三条", ["文件001"]),  # a seed's number
        ("区人大代表 赵某 输入：0917", []),
        ("统一社会信用代码 91330100MA2XXXXX0X，执法证号 33-0101", []),
        ("打开 https://example.org/public 核验", []),
    ],
)
def test_programmer_words(text, found):
    assert programmer_words(text) == found
