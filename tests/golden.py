"""Golden files: recorded partner payloads beside their full expected canonical output.

``LINTAS_UPDATE_GOLDEN=1 make test`` rewrites the expected files; review the diff before
committing it.
"""

from __future__ import annotations

import json
import os
from pathlib import Path
from typing import Any

__all__ = ["assert_golden"]


def assert_golden(path: Path, rows: list[dict[str, Any]]) -> None:
    """``rows`` must equal the JSON lines stored at ``path``."""
    text = "".join(json.dumps(r, ensure_ascii=False, sort_keys=True) + "\n" for r in rows)
    if os.environ.get("LINTAS_UPDATE_GOLDEN") == "1" or not path.exists():
        if not path.exists() and os.environ.get("CI"):
            raise AssertionError(f"golden file {path} is missing")
        path.write_text(text, encoding="utf-8")
    expected = [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line]
    assert rows == expected, f"output differs from {path.name}"
