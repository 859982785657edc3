"""Vietnamese labels of the codes (``data/labels.toml``): ``label("field", "economy")`` is "kinh tế"."""

from __future__ import annotations

import tomllib
from functools import cache
from importlib import resources


def labels_text() -> str:
    """The text of ``data/labels.toml``, as shipped."""
    return resources.files(__package__).joinpath("data").joinpath("labels.toml").read_text(encoding="utf-8")


@cache
def labels() -> dict[str, dict[str, str]]:
    return tomllib.loads(labels_text())


def label(kind: str, code: str | None) -> str | None:
    """The Vietnamese label of ``code`` in the table ``kind`` (None for None; the code itself
    when the table does not know it, so a new code is never shown blank)."""
    if code is None:
        return None
    return labels()[kind].get(code, code)


def column_label(table: str | None, column: str, code: object) -> str | None:
    """The Vietnamese label of a value of a coded column (``[columns]`` of labels.toml), or None
    when the column is not coded or the value is no known code."""
    kind = labels()["columns"].get(f"{table}.{column}")
    if kind is None or not isinstance(code, str):
        return None
    return labels()[kind].get(code)
