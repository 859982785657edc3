"""The records of SPEC §1, defined once and used everywhere (extractors, store, scorer, gold).

Field order follows the SPEC so that ``model_dump`` gives its JSON shape.
"""

from __future__ import annotations

from datetime import date
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field

Level = Literal["province", "district", "commune"]
Bound = Literal["exact", "about", "at_least", "at_most"]
Metric = Literal[
    "built", "registered", "recognized", "new", "replicated", "effective", "commended", "increase"
]
FieldCode = Literal[
    "all", "economy", "culture_society", "defense_security", "political_system", "new_rural", "other"
]
RecognitionLevel = Literal["grassroots", "district", "province", "national"]
Holder = Literal["collective", "individual"]

METRICS: tuple[str, ...] = Metric.__args__  # type: ignore[attr-defined]
FIELDS: tuple[str, ...] = FieldCode.__args__  # type: ignore[attr-defined]


class _Record(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=False)


System = Literal["2008", "2025"]


class LocalityRef(_Record):
    """A unit as a count refers to it: enough to key it (SPEC §3: level, name, province), and the
    system it is resolved in, so that a former unit and its namesake in force stay apart."""

    name: str
    kind: str
    level: Level
    province: str | None = None
    system: System | None = None


class Successor(_Record):
    """SPEC §1.1: the 2025-system province that now covers a 2008-system unit."""

    name: str
    code: str | None = None


class Locality(LocalityRef):
    """SPEC §1.1: an administrative unit named (or inferred) in the article."""

    code: str | None = None
    primary: bool = False
    inferred: bool = False
    successor: Successor | None = None

    def ref(self) -> LocalityRef:
        return LocalityRef(name=self.name, kind=self.kind, level=self.level, province=self.province,
                           system=self.system)


class PeriodRef(_Record):
    """The time scope of a count: ``start`` and/or ``end`` may be unknown."""

    start: date | None = None
    end: date | None = None


class Period(PeriodRef):
    """SPEC §1.2: a reporting period with the words that state it."""

    text: str | None = None

    def ref(self) -> PeriodRef:
        return PeriodRef(start=self.start, end=self.end)


class Span(_Record):
    """Evidence: a span of the cleaned text (offsets optional in gold)."""

    text: str | None = None
    start: int | None = None
    end: int | None = None


class Count(_Record):
    """SPEC §1.3: a number of DVK models the article reports."""

    value: int = Field(ge=0)
    bound: Bound = "exact"
    metric: Metric = "built"
    field: FieldCode = "all"
    field_text: str | None = None
    level: RecognitionLevel | None = None
    holder: Holder | None = None
    locality: LocalityRef | None = None
    period: PeriodRef = Field(default_factory=PeriodRef)
    text: str | None = None
    start: int | None = None
    end: int | None = None
    # the whole sentence that holds the evidence (SPEC §1.3 ``sentence``, optional): kept for the
    # store, the export and the findings, not printed by ``dvk extract`` (its output stays as it was)
    sentence: Span | None = Field(default=None, exclude=True)


class Model(_Record):
    """SPEC §1.4: one named DVK model."""

    name: str
    field: FieldCode | None = None
    owners: list[str] = Field(default_factory=list)
    localities: list[Locality] = Field(default_factory=list)
    text: str | None = None
    start: int | None = None
    end: int | None = None
    sentence: Span | None = Field(default=None, exclude=True)  # as for Count


class Document(_Record):
    """SPEC §2: one article's records, the line ``dvk extract`` prints."""

    doc: str
    url: str | None = None
    title: str | None = None
    published: date | None = None
    localities: list[Locality] = Field(default_factory=list)
    periods: list[Period] = Field(default_factory=list)
    counts: list[Count] = Field(default_factory=list)
    models: list[Model] = Field(default_factory=list)
