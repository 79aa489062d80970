"""What counts as executable in a rendered page, judged the way a browser parses it."""

import re
from html.parser import HTMLParser

URL_ATTRIBUTES = {"href", "src", "action", "formaction", "data", "xlink:href", "poster", "srcdoc"}
DANGEROUS_SCHEMES = ("javascript:", "vbscript:", "data:")
FORBIDDEN_TAGS = {"iframe", "frame", "frameset", "object", "embed", "applet", "base"}


def _scheme_of(value: str) -> str:
    # Browsers skip spaces, tabs, new lines and control characters inside a scheme.
    return "".join(ch for ch in value if ch > " ").lower()


class _Finder(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.problems: list[str] = []
        self._script_depth = 0

    def handle_starttag(self, tag, attrs):
        named = dict(attrs)
        if tag == "script" and "nonce" not in named:
            self.problems.append(f"<script> without a nonce: {attrs}")
        if tag in FORBIDDEN_TAGS:
            self.problems.append(f"<{tag}> element")
        if tag == "meta" and (named.get("http-equiv") or "").lower() == "refresh":
            self.problems.append("<meta http-equiv=refresh>")
        for name, value in attrs:
            value = value or ""
            if name.startswith("on"):
                self.problems.append(f"event handler {name}= on <{tag}>")
            if name in URL_ATTRIBUTES and _scheme_of(value).startswith(DANGEROUS_SCHEMES):
                self.problems.append(f"{name}={value!r} on <{tag}>")
            if name == "style" and any(
                bad in _scheme_of(value) for bad in ("javascript:", "expression(", "url(")
            ):
                self.problems.append(f"style={value!r} on <{tag}>")

    handle_startendtag = handle_starttag


# A raw tag with an event handler anywhere in the text, even where this parser reads
# raw text (inside <style> or <textarea>): namespace confusion (mXSS) makes browsers
# read some of those as markup. Escaped output has no raw "<" there, so no false alarm.
_RAW_HANDLER = re.compile(r"<[a-z][^<>]*[\s/\"']on[a-z]+\s*=", re.IGNORECASE)


def executable_content(html: str) -> list[str]:
    """Every place in ``html`` where a browser could run something not ours."""
    finder = _Finder()
    finder.feed(html)
    finder.close()
    problems = finder.problems
    if not problems and (match := _RAW_HANDLER.search(html)):
        problems.append(f"raw event handler in text: {match.group(0)!r}")
    return problems
