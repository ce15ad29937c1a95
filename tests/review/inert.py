"""Parse a page as a browser would and list anything in it that could run script."""

from __future__ import annotations

from html.parser import HTMLParser

_ACTIVE_TAGS = {"script", "svg", "iframe", "object", "embed", "img", "math", "base", "frame"}
# The reports' bar charts: an <svg> with exactly these attributes, drawn by templates/_bars.html.
_CHART_SVG = [
    ("class", "bar"), ("viewbox", "0 0 100 10"), ("preserveaspectratio", "none"),
    ("aria-hidden", "true"), ("focusable", "false"),
]  # fmt: skip
_URL_ATTRS = {"href", "src", "action", "formaction", "xlink:href", "data"}


class _Finder(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.problems: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        values = dict(attrs)
        if tag == "script":
            if not (values.get("src") or "").startswith("/static/"):
                self.problems.append(f"<script> not from /static/: {attrs}")
        elif tag == "svg" and attrs == _CHART_SVG:
            pass
        elif tag in _ACTIVE_TAGS:
            self.problems.append(f"<{tag}> element: {attrs}")
        for name, value in attrs:
            if name.startswith("on"):
                self.problems.append(f"<{tag} {name}=…> event handler")
            if name in _URL_ATTRS and (value or "").strip().lower().startswith(
                ("javascript:", "data:", "vbscript:")
            ):
                self.problems.append(f"<{tag} {name}={value!r}>")
            if name == "style":
                self.problems.append(f"<{tag} style=…> inline style")


def active_content(page: str) -> list[str]:
    finder = _Finder()
    finder.feed(page)
    finder.close()
    return finder.problems


def assert_inert(page: str) -> None:
    problems = active_content(page)
    assert problems == [], problems
