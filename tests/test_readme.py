"""The README's command reference stays true: every dvk command is documented with an example,
and every documented command exists."""

from __future__ import annotations

import re

from typer.main import get_command

from pipeline.cli import app

from .conftest import ROOT

README = (ROOT / "README.md").read_text(encoding="utf-8")


def commands() -> set[str]:
    return set(get_command(app).commands)  # type: ignore[attr-defined]


def test_every_command_is_documented_with_an_example() -> None:
    for name in commands():
        assert re.search(rf"^\| `dvk {name}` \|.*\| `dvk {name}[ `]", README, re.M), name


def test_every_documented_command_exists() -> None:
    documented = set(re.findall(r"^\| `dvk ([a-z-]+)` \|", README, re.M))
    assert documented == commands()


def test_every_command_help_has_an_example() -> None:
    for name, cmd in get_command(app).commands.items():  # type: ignore[attr-defined]
        assert "Example: dvk " + name in (cmd.help or ""), name


def test_the_two_setup_commands_are_in_the_readme() -> None:
    assert "make run" in README and "make test" in README
    assert "make test" in (ROOT / ".ci" / "run").read_text(encoding="utf-8")
