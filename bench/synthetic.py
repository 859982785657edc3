"""A synthetic corpus: articles made by recombining the bundled corpus's paragraphs, with other
numbers and other places from the gazetteer, wrapped in a generic news page.

Deterministic for a given seed, so two runs (or a killed run and a clean one) see the same files.
"""

from __future__ import annotations

import csv
import html
import random
import re
from collections.abc import Iterator
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
CORPUS = ROOT / "corpus"
GAZETTEER = ROOT / "extractors" / "data" / "admin_units.csv"

_NUMBER = re.compile(r"(?<![\d.,/])(\d{1,3}(?:\.\d{3})+|\d+)(?![\d/]|\.\d)")
_PAGE = """<!DOCTYPE html>
<html lang="vi"><head><meta charset="utf-8"><title>{title} - Cổng thông tin điện tử</title>
<meta property="og:type" content="article"></head>
<body><header><nav class="menu"><a href="/">Trang chủ</a> <a href="/thoi-su">Thời sự</a>
<a href="/dan-van">Dân vận</a> <a href="/kinh-te">Kinh tế</a></nav></header>
<main><article><h1>{title}</h1>
<div class="date">{day:02d}/{month:02d}/{year}</div>
{paragraphs}
</article>
<aside class="related"><h3>Tin khác</h3><ul><li><a href="/a">Hội nghị giao ban khối dân vận</a></li>
<li><a href="/b">Ra mắt mô hình mới tại xã vùng cao</a></li></ul></aside></main>
<footer class="footer">Bản quyền thuộc Cổng thông tin điện tử. Ghi rõ nguồn khi phát hành lại.</footer>
</body></html>
"""


def paragraphs() -> list[str]:
    """The corpus articles' paragraphs (front matter and blank lines dropped)."""
    out: list[str] = []
    for path in sorted(CORPUS.glob("*.txt")):
        text = path.read_text(encoding="utf-8")
        if text.startswith("---"):
            text = text.split("---", 2)[2]
        out.extend(p.strip() for p in re.split(r"\n\s*\n", text) if len(p.strip()) > 60)
    return out


def places() -> list[tuple[str, str]]:
    """(district full name, province) pairs from the gazetteer."""
    with GAZETTEER.open(encoding="utf-8") as fh:
        return [(r["full_name"], r["province"]) for r in csv.DictReader(fh) if r["level"] == "district"]


def _renumber(text: str, rng: random.Random) -> str:
    def swap(m: re.Match[str]) -> str:
        raw = m.group(1)
        value = int(raw.replace(".", ""))
        if 1990 <= value <= 2035 or value <= 12:  # years and months stay, so periods stay valid
            return raw
        new = max(1, int(value * rng.uniform(0.5, 1.5)))
        return f"{new:,}".replace(",", ".") if "." in raw else str(new)
    return _NUMBER.sub(swap, text)


def article(i: int, pool: list[str], where: list[tuple[str, str]], seed: int = 0) -> tuple[str, str]:
    """The title and HTML page of synthetic article ``i``."""
    rng = random.Random(seed * 1_000_003 + i)
    district, province = rng.choice(where)
    title = f"{district} ({province}) đẩy mạnh phong trào thi đua “Dân vận khéo”"
    paras = [_renumber(p, rng) for p in rng.sample(pool, k=min(len(pool), rng.randint(3, 7)))]
    paras.insert(0, f"Những năm qua, {district} đã tập trung lãnh đạo, chỉ đạo phong trào thi đua "
                    f"“Dân vận khéo” trên địa bàn {province}.")
    body = "\n".join(f"<p>{html.escape(p, quote=False)}</p>" for p in paras)
    page = _PAGE.format(title=html.escape(title, quote=False), paragraphs=body, day=rng.randint(1, 28),
                        month=rng.randint(1, 12), year=rng.randint(2021, 2025))
    return title, page


def generate(n: int, folder: Path, seed: int = 0) -> list[Path]:
    """Write ``n`` synthetic pages into ``folder`` (``synth-000001.html`` …) and list them."""
    folder.mkdir(parents=True, exist_ok=True)
    pool, where = paragraphs(), places()
    out = []
    for i in range(n):
        _, page = article(i, pool, where, seed)
        path = folder / f"synth-{i:06d}.html"
        path.write_text(page, encoding="utf-8")
        out.append(path)
    return out


def iter_pages(n: int, seed: int = 0) -> Iterator[str]:
    pool, where = paragraphs(), places()
    for i in range(n):
        yield article(i, pool, where, seed)[1]
