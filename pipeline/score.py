"""The SPEC §3 scorer: extraction against the hand-labelled gold set.

Figures per document and micro-averaged over documents: localities, periods, counts (key and
strict), models (exact and partial) with P/R/F1, and model slot accuracy on matched pairs. Each
gold record matches at most one extracted record and the other way round.

``findings``: the alarms a reader would be shown. The within-article checks of ``dvk check``
(``pipeline.check.within_article``: field breakdowns, collective/individual splits, a count
stated twice) run on the extracted records of an article and on its gold records; the non-ok
findings (warning or error) of each side are matched one to one on ``finding_key``: the check's
kind and the sorted values of the count records involved (for ``stated_twice``, each distinct
value once, since that finding is the set of values given). Severity is not part of the key: the
same numbers flagged as a warning instead of an error are still a true alarm. Precision is the
share of the extractor's alarms the gold records raise too (a false alarm costs a journalist
more than a miss); an article with no alarm on either side counts as perfect, as for records.
Across-article checks need several articles and are not scored.
"""

from __future__ import annotations

import json
from collections import Counter
from collections.abc import Hashable, Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from pydantic import ValidationError

from extractors.records import Count, Document, LocalityRef, Model
from extractors.text import key

from .check import Finding, record_findings
from .errors import GoldError

METRICS = ("localities", "periods", "counts_key", "counts_strict", "models_exact", "models_partial",
           "findings")
SLOTS = ("field", "owners", "localities")


def _loc_key(loc: LocalityRef | None) -> tuple[str, str, str] | None:
    if loc is None:
        return None
    return (loc.level, key(loc.name), key(loc.province or ""))


def count_key(c: Count) -> tuple[Hashable, ...]:
    return (_loc_key(c.locality), c.field, c.metric, c.level, c.holder, c.value)


def count_strict(c: Count) -> tuple[Hashable, ...]:
    return (*count_key(c), c.bound, c.period.start, c.period.end)


def finding_key(f: Finding) -> tuple[Hashable, ...]:
    """What makes two findings the same alarm: kind and the values of the records involved."""
    values = [e["value"] for e in f.evidence]
    if f.kind == "stated_twice":
        values = list(set(values))
    return (f.kind, tuple(sorted(values)))


def alarms(document: Document) -> list[Finding]:
    """The non-ok within-article findings ``dvk check`` derives from one document's records."""
    return [f for f in record_findings([document]) if f.severity != "ok"]


def _tokens(name: str) -> list[str]:
    return key(name).split()


def token_f1(a: str, b: str) -> float:
    ta, tb = Counter(_tokens(a)), Counter(_tokens(b))
    common = sum((ta & tb).values())
    if not common:
        return 0.0
    p, r = common / sum(tb.values()), common / sum(ta.values())
    return 2 * p * r / (p + r)


@dataclass
class Tally:
    tp: float = 0.0
    pred: int = 0
    gold: int = 0

    def add(self, other: Tally) -> None:
        self.tp += other.tp
        self.pred += other.pred
        self.gold += other.gold

    @property
    def p(self) -> float:
        return self.tp / self.pred if self.pred else (1.0 if not self.gold else 0.0)

    @property
    def r(self) -> float:
        return self.tp / self.gold if self.gold else (1.0 if not self.pred else 0.0)

    @property
    def f1(self) -> float:
        return 2 * self.p * self.r / (self.p + self.r) if self.p + self.r else 0.0

    def as_dict(self) -> dict[str, float]:
        return {"p": round(self.p, 4), "r": round(self.r, 4), "f1": round(self.f1, 4),
                "tp": self.tp, "pred": self.pred, "gold": self.gold}


@dataclass
class DocScore:
    doc: str
    tallies: dict[str, Tally] = field(default_factory=dict)
    slots: dict[str, list[int]] = field(default_factory=lambda: {s: [0, 0] for s in SLOTS})
    misses: dict[str, list[str]] = field(default_factory=dict)
    spurious: dict[str, list[str]] = field(default_factory=dict)


def _match_sets(pred: Iterable[Hashable], gold: Iterable[Hashable]) -> tuple[Tally, list, list]:
    pc, gc = Counter(pred), Counter(gold)
    both = pc & gc
    tp = sum(both.values())
    return (Tally(tp, sum(pc.values()), sum(gc.values())),
            list((gc - both).elements()), list((pc - both).elements()))


def _described(keys: list, found: list[Finding]) -> list[str]:
    """``kind severity: arithmetic`` of the findings behind unmatched keys (one per key)."""
    pool = list(found)
    out = []
    for k in keys:
        f = next(f for f in pool if finding_key(f) == k)
        pool.remove(f)
        out.append(f"{f.kind} {f.severity}: {f.arithmetic}")
    return out


def _model_loc_set(m: Model) -> frozenset[tuple[str, str, str] | None]:
    return frozenset(_loc_key(loc) for loc in m.localities)


def _slots_equal(p: Model, g: Model) -> dict[str, bool]:
    return {
        "field": p.field == g.field,
        "owners": sorted(key(o) for o in p.owners) == sorted(key(o) for o in g.owners),
        "localities": _model_loc_set(p) == _model_loc_set(g),
    }


def score_document(pred: Document, gold: Document) -> DocScore:
    s = DocScore(gold.doc)

    def record(name: str, pk: list, gk: list) -> None:
        t, miss, spur = _match_sets(pk, gk)
        s.tallies[name] = t
        s.misses[name] = [str(x) for x in miss]
        s.spurious[name] = [str(x) for x in spur]

    record("localities", [_loc_key(loc) for loc in pred.localities],
           [_loc_key(loc) for loc in gold.localities])
    record("periods", [(p.start, p.end) for p in pred.periods], [(p.start, p.end) for p in gold.periods])
    record("counts_key", [count_key(c) for c in pred.counts], [count_key(c) for c in gold.counts])
    record("counts_strict", [count_strict(c) for c in pred.counts],
           [count_strict(c) for c in gold.counts])
    pa, ga = alarms(pred), alarms(gold)
    t, miss, spur = _match_sets([finding_key(f) for f in pa], [finding_key(f) for f in ga])
    s.tallies["findings"] = t
    s.misses["findings"] = _described(miss, ga)
    s.spurious["findings"] = _described(spur, pa)

    # models: exact one-to-one on the normalised name, then partial pairs by token F1 >= 0.5
    free_p = list(range(len(pred.models)))
    free_g = list(range(len(gold.models)))
    pairs: list[tuple[int, int, float]] = []
    for gi in list(free_g):
        gk = key(gold.models[gi].name)
        for pi in free_p:
            if key(pred.models[pi].name) == gk:
                pairs.append((pi, gi, 1.0))
                free_p.remove(pi)
                free_g.remove(gi)
                break
    exact = len(pairs)
    cands = sorted(((token_f1(gold.models[gi].name, pred.models[pi].name), pi, gi)
                    for gi in free_g for pi in free_p), reverse=True)
    used_p: set[int] = set()
    used_g: set[int] = set()
    for f, pi, gi in cands:
        if f < 0.5:
            break
        if pi in used_p or gi in used_g:
            continue
        used_p.add(pi)
        used_g.add(gi)
        pairs.append((pi, gi, 0.5))
    n_pred, n_gold = len(pred.models), len(gold.models)
    s.tallies["models_exact"] = Tally(exact, n_pred, n_gold)
    s.tallies["models_partial"] = Tally(sum(w for _, _, w in pairs), n_pred, n_gold)
    matched_g = {gi for _, gi, _ in pairs}
    matched_p = {pi for pi, _, _ in pairs}
    s.misses["models"] = [gold.models[i].name for i in range(n_gold) if i not in matched_g]
    s.spurious["models"] = [pred.models[i].name for i in range(n_pred) if i not in matched_p]
    s.misses["model_slots"] = []
    for pi, gi, _ in pairs:
        for slot, ok in _slots_equal(pred.models[pi], gold.models[gi]).items():
            s.slots[slot][0] += int(ok)
            s.slots[slot][1] += 1
            if not ok:
                s.misses["model_slots"].append(f"{gold.models[gi].name}: {slot}")
    return s


@dataclass
class Report:
    docs: list[DocScore]

    def micro(self) -> dict[str, Tally]:
        out = {m: Tally() for m in METRICS}
        for d in self.docs:
            for m in METRICS:
                out[m].add(d.tallies.get(m, Tally()))
        return out

    def slot_accuracy(self) -> dict[str, float | None]:
        tot = {s: [0, 0] for s in SLOTS}
        for d in self.docs:
            for s in SLOTS:
                tot[s][0] += d.slots[s][0]
                tot[s][1] += d.slots[s][1]
        return {s: (round(a / n, 4) if n else None) for s, (a, n) in tot.items()}

    def figures(self) -> dict[str, float]:
        """Flat figures for the gate: ``counts_strict.f1``, ``slot.field``, ``findings.p`` …, and
        the counts ``findings.false_alarms`` and ``findings.missed`` (a ceiling, not a floor)."""
        out: dict[str, float] = {}
        for m, t in self.micro().items():
            out[f"{m}.p"], out[f"{m}.r"], out[f"{m}.f1"] = t.p, t.r, t.f1
        for s, v in self.slot_accuracy().items():
            out[f"slot.{s}"] = v if v is not None else 0.0
        f = self.micro()["findings"]
        out["findings.false_alarms"] = float(f.pred - f.tp)
        out["findings.missed"] = float(f.gold - f.tp)
        return out

    def as_dict(self) -> dict[str, Any]:
        return {
            "micro": {m: t.as_dict() for m, t in self.micro().items()},
            "slot_accuracy": self.slot_accuracy(),
            "documents": [{
                "doc": d.doc,
                "scores": {m: t.as_dict() for m, t in d.tallies.items()},
                "misses": d.misses, "spurious": d.spurious,
            } for d in self.docs],
        }


def load_gold(gold_dir: Path) -> dict[str, Document]:
    files = sorted(gold_dir.glob("*.json"))
    if not files:
        raise GoldError("no gold files (*.json) found", path=str(gold_dir),
                        hint="pass --gold DIR with the hand-labelled documents")
    out: dict[str, Document] = {}
    for f in files:
        try:
            doc = Document.model_validate_json(f.read_text(encoding="utf-8"))
        except (OSError, ValidationError, ValueError) as exc:
            first = str(exc).splitlines()
            raise GoldError(f"invalid gold file: {' '.join(first[:3])}", path=str(f)) from exc
        out[doc.doc] = doc
    return out


def load_predictions(path: Path) -> dict[str, Document]:
    out: dict[str, Document] = {}
    try:
        lines = path.read_text(encoding="utf-8").splitlines()
    except OSError as exc:
        raise GoldError(f"cannot read predictions: {exc}", path=str(path)) from exc
    for n, line in enumerate(lines, 1):
        if not line.strip():
            continue
        try:
            doc = Document.model_validate(json.loads(line))
        except (ValueError, ValidationError) as exc:
            raise GoldError(f"line {n} is not a document: {str(exc).splitlines()[0]}",
                            path=str(path)) from exc
        out[doc.doc] = doc
    return out


def score(pred: dict[str, Document], gold: dict[str, Document]) -> Report:
    """Score every gold document; a document missing from ``pred`` counts as empty."""
    docs = []
    for doc_id, g in sorted(gold.items()):
        p = pred.get(doc_id, Document(doc=doc_id))
        docs.append(score_document(p, g))
    return Report(docs)


__all__ = ["Report", "alarms", "count_key", "count_strict", "finding_key", "load_gold", "load_predictions", "score",
           "token_f1"]
