from __future__ import annotations

from pathlib import Path

import pytest

from crawler.sources import SourcesError, crawl_jobs, load_sources

REPO = Path(__file__).resolve().parents[2]


def test_shipped_sources_file_is_valid() -> None:
    jobs = crawl_jobs(load_sources(REPO / "sources.toml"))
    assert jobs and all(spider for spider, _args, _settings in jobs)


def test_jobs_carry_arguments_and_politeness(tmp_path: Path) -> None:
    path = tmp_path / "s.toml"
    path.write_text(
        """
[sources.tiki]
queries = ["thuốc lá", "vape"]
max_pages = 2
concurrency = 1
delay = 2.0

[sources.tiki_books]
spider = "tiki"
categories = ["8322"]

[sources.off]
spider = "tiki"
enabled = false
queries = ["x"]
""",
        encoding="utf-8",
    )
    jobs = crawl_jobs(load_sources(path))
    assert [j[0] for j in jobs] == ["tiki", "tiki"]
    spider, args, settings = jobs[0]
    assert args == {"max_pages": 2, "query": ["thuốc lá", "vape"]}
    assert settings["CONCURRENT_REQUESTS_PER_DOMAIN"] == 1 and settings["DOWNLOAD_DELAY"] == 2.0
    assert jobs[1][1]["category"] == ["8322"]


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("[sources.tiki]\nmax_pages = 0\n", "max_pages"),
        ("[sources.tiki]\nspeed = 3\n", "speed"),
        ("[sources.tiki\n", "not valid TOML"),
        ("[other]\n", "other"),
    ],
)
def test_bad_sources_file_names_the_problem(tmp_path: Path, text: str, message: str) -> None:
    path = tmp_path / "s.toml"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(SourcesError, match=message):
        load_sources(path)


def test_missing_sources_file(tmp_path: Path) -> None:
    with pytest.raises(SourcesError, match="no such file"):
        load_sources(tmp_path / "nope.toml")
