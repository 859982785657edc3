"""The generic cleaner beside trafilatura on the same pages (``make bench-clean``).

Pages: the five corpus pages with their profiles switched off, and the made-up articles of
tests/pagestyles.py in the four page styles (table portal, SharePoint portal, HTML5 newspaper,
plain nested divs). Figures per cleaner: token recall and precision against the article's text,
pages with a chrome line left in the text, and milliseconds per page (median of 5 runs).
trafilatura is optional (``pip install trafilatura``); without it only the generic cleaner is
measured.
"""

from __future__ import annotations

import statistics
import time
from collections import Counter
from collections.abc import Callable
from pathlib import Path

from pipeline.clean import clean_html, decode_html
from tests.pagestyles import ARTICLES, CHROME, STYLES, article_page

ROOT = Path(__file__).resolve().parent.parent
CORPUS_CHROME = ("Các tin khác", "Tin liên quan", "Ý kiến bạn đọc", "Số lần đọc", ".bmp", ".jpg", "EmailPrintAa",
                 "Sign In", "In bài", "Gửi email", "Quay lại", "Page Content", "Tin cùng chuyên mục")


def _tokens(text: str) -> Counter[str]:
    return Counter(text.lower().split())


def pages() -> list[tuple[str, str, str, tuple[str, ...]]]:
    """(name, html, the article's text, chrome lines) for every page measured."""
    out: list[tuple[str, str, str, tuple[str, ...]]] = []
    for page in sorted((ROOT / "corpus").glob("*.html")):
        body = (ROOT / "tests" / "data" / "bodies" / f"{page.stem}.txt").read_text(encoding="utf-8")
        out.append((f"corpus/{page.stem[:3]}", decode_html(page.read_bytes()), body, CORPUS_CHROME))
    for style in STYLES:
        for i, a in enumerate(ARTICLES):
            out.append((f"{style}/{i}", article_page(style, a), "\n".join(a.paragraphs), CHROME))
    return out


def _ours(html: str) -> str:
    return clean_html(html, None).text


def _trafilatura() -> Callable[[str], str] | None:
    try:
        import trafilatura
    except ImportError:
        return None

    def run(html: str) -> str:
        return trafilatura.extract(html, include_comments=False, include_tables=True, favor_precision=False) or ""
    return run


def measure(name: str, fn: Callable[[str], str]) -> dict[str, float]:
    rows = []
    for page, html, want, chrome in pages():
        times = []
        for _ in range(5):
            t = time.perf_counter()
            got = fn(html)
            times.append(time.perf_counter() - t)
        g, w = _tokens(got), _tokens(want)
        common = sum((g & w).values())
        lines = [ln.strip() for ln in got.split("\n") if ln.strip()]
        leaked = [c for c in chrome if any(c in ln and len(ln) < 2 * len(c) + 10 for ln in lines)]
        rows.append((page, common / max(1, sum(w.values())), common / max(1, sum(g.values())), leaked,
                     statistics.median(times) * 1000))
    print(f"\n{name}")
    print(f"{'page':<14}{'recall':>8}{'precision':>11}{'ms':>8}  chrome left")
    for page, r, p, leaked, ms in rows:
        print(f"{page:<14}{r:>8.3f}{p:>11.3f}{ms:>8.1f}  {', '.join(leaked) or '-'}")
    summary: dict[str, float] = {"min_recall": min(r[1] for r in rows),
               "mean_precision": statistics.mean(r[2] for r in rows),
               "pages_with_chrome": sum(1 for r in rows if r[3]), "pages": len(rows),
               "median_ms": statistics.median(r[4] for r in rows)}
    print(f"{name}: min recall {summary['min_recall']:.3f}, mean precision {summary['mean_precision']:.3f}, "
          f"{summary['pages_with_chrome']} of {summary['pages']} pages with chrome, "
          f"median {summary['median_ms']:.1f} ms/page")
    return summary


def main() -> None:
    measure("generic cleaner (no profile)", _ours)
    traf = _trafilatura()
    if traf is None:
        print("\ntrafilatura is not installed (pip install trafilatura): not compared")
    else:
        measure("trafilatura", traf)


if __name__ == "__main__":
    main()
