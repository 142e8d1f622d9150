"""Where a font with every glyph our two languages need lives: DejaVu Sans, shipped by matplotlib.

The report PDF (bot/services/report.py) and the QR poster's caption (bot/posters.py) embed it;
matplotlib is a dependency already (the diary's chart), so the font costs nothing to install.
Found without importing matplotlib (0.3-0.6 s): its package directory is enough.
"""

from __future__ import annotations

import importlib.util
from pathlib import Path


def dejavu(*, bold: bool = False) -> Path | None:
    """DejaVu Sans (or its bold), or None if matplotlib's copy is missing."""
    spec = importlib.util.find_spec("matplotlib")
    for root in spec.submodule_search_locations or () if spec is not None else ():
        path = Path(root) / "mpl-data" / "fonts" / "ttf" / ("DejaVuSans-Bold.ttf" if bold else "DejaVuSans.ttf")
        if path.is_file():
            return path
    return None
