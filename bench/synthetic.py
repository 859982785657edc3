"""A synthetic corpus: articles made by recombining the bundled corpus's paragraphs, with other
numbers and other places from the gazetteer, wrapped in a generic news page, or written as a
``.txt`` file of about 2 KB with YAML front matter (``kind="txt"``: what the issue's timing
corpus is made of).

Deterministic for a given seed, so two runs (or a killed run and a clean one) see the same files.
"""

from __future__ import annotations

import csv
import html
import random
import re
from collections.abc import Iterator
from datetime import date
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


#: the size of a ``.txt`` article: paragraphs are added until it is at least this many bytes
TXT_BYTES = 2000


def text_article(i: int, pool: list[str], where: list[tuple[str, str]], seed: int = 0) -> str:
    """Synthetic article ``i`` as a ``.txt`` file of about ``TXT_BYTES`` bytes: YAML front matter
    (url, title, published, source), a lead paragraph naming the place, then corpus paragraphs
    (renumbered) until the size is reached, the last one cut at a sentence end."""
    rng = random.Random(seed * 1_000_003 + i)
    district, province = rng.choice(where)
    title = f"{district} ({province}) đẩy mạnh phong trào thi đua “Dân vận khéo”"
    paras = [f"Những năm qua, {district} đã tập trung lãnh đạo, chỉ đạo phong trào thi đua "
             f"“Dân vận khéo” trên địa bàn {province}."]
    size = len(paras[0].encode())
    for p in rng.sample(pool, k=len(pool)):
        p = _renumber(p, rng)
        if size + len(p.encode()) > TXT_BYTES:  # the sentences that fit, or the next paragraph
            ends = [m.end() for m in re.finditer(r"[.!?…](?=\s)", p) if size + len(p[:m.end()].encode()) <= TXT_BYTES]
            if not ends:
                continue
            p = p[:ends[-1]]
        paras.append(p)
        size += len(p.encode()) + 2
        if size >= TXT_BYTES * 3 // 4:
            break
    day = date(rng.randint(2021, 2025), rng.randint(1, 12), rng.randint(1, 28))
    head = (f"---\nurl: https://tin.example.vn/dan-van/bai-{seed}-{i:06d}.html\ntitle: \"{title}\"\n"
            f"published: {day.isoformat()}\nsource: \"tin.example.vn\"\n---\n")
    return head + "\n\n".join(paras) + "\n"


def generate(n: int, folder: Path, seed: int = 0, kind: str = "html") -> list[Path]:
    """Write ``n`` synthetic pages (``kind="html"``, ``synth-000001.html`` …) or ``.txt`` articles
    (``kind="txt"``) into ``folder`` and list them."""
    folder.mkdir(parents=True, exist_ok=True)
    pool, where = paragraphs(), places()
    out = []
    for i in range(n):
        if kind == "txt":
            body, path = text_article(i, pool, where, seed), folder / f"synth-{i:06d}.txt"
        else:
            body, path = article(i, pool, where, seed)[1], folder / f"synth-{i:06d}.html"
        path.write_text(body, encoding="utf-8")
        out.append(path)
    return out


def iter_pages(n: int, seed: int = 0) -> Iterator[str]:
    pool, where = paragraphs(), places()
    for i in range(n):
        yield article(i, pool, where, seed)[1]
