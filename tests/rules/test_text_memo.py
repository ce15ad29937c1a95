"""The normaliser's bounded per-word memos."""

from __future__ import annotations

from rules.text.memo import WordMemo


def test_a_word_is_computed_once_and_the_memo_stays_bounded() -> None:
    calls: list[str] = []
    memo = WordMemo(lambda w: calls.append(w) or w.upper(), limit=3)
    assert [memo["a"], memo["b"], memo["a"]] == ["A", "B", "A"]
    assert calls == ["a", "b"]
    for w in "cdefg":
        assert memo[w] == w.upper()
    assert len(memo) <= 4  # emptied past its limit, never more than limit + 1 entries
    assert "a" not in memo and memo["a"] == "A" and calls.count("a") == 2
