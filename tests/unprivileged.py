"""Running dvk where file permissions bite: as root (CI runs as root here) the child drops the
capabilities that bypass them (CAP_DAC_OVERRIDE, CAP_DAC_READ_SEARCH) from its bounding set
before it starts, so ``chmod 000`` and read-only folders mean what they say; as any other user
nothing needs doing."""

from __future__ import annotations

import ctypes
import os
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
DVK = [sys.executable, "-m", "pipeline.cli"]
_PR_CAPBSET_DROP = 24
_CAPS = (1, 2)  # CAP_DAC_OVERRIDE, CAP_DAC_READ_SEARCH


def _drop() -> None:
    libc = ctypes.CDLL(None, use_errno=True)
    for cap in _CAPS:
        if libc.prctl(_PR_CAPBSET_DROP, cap, 0, 0, 0) != 0:
            raise OSError(ctypes.get_errno(), "prctl(PR_CAPBSET_DROP)")


def preexec() -> Callable[[], None] | None:
    return _drop if os.geteuid() == 0 else None


def permissions_bite() -> bool:
    """Whether a child made by ``run`` is refused a file of mode 000 (probed once)."""
    global _BITE
    if _BITE is None:
        probe = Path(os.environ.get("TMPDIR", "/tmp")) / f"dvk-perm-probe-{os.getpid()}"
        probe.write_text("x")
        probe.chmod(0)
        try:
            out = subprocess.run(["cat", str(probe)], preexec_fn=preexec(), capture_output=True)
            _BITE = out.returncode != 0
        except OSError:
            _BITE = False
        finally:
            probe.unlink()
    return _BITE


_BITE: bool | None = None


def dvk(*args: str, cwd: Path = ROOT) -> subprocess.CompletedProcess[str]:
    """``dvk args`` with permissions in force; stdout and stderr as text."""
    return subprocess.run([*DVK, *args], capture_output=True, cwd=cwd, timeout=300, preexec_fn=preexec(),
                          text=True)
