"""Entry point: ``streamlit run dashboard/app.py [-- --dataset DIR | --seeds DIR]``.

Streamlit runs this file again for every script run (a first load, a filter change, a click);
the page itself lives in :mod:`dashboard.ui.page`, imported once per process, so its caches and
their decorators are made once. Where the articles come from: :func:`dashboard.ui.page.source`.
"""

from __future__ import annotations

import sys
from pathlib import Path

if __package__ in (None, ""):  # `streamlit run dashboard/app.py` runs this file as a script
    sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from dashboard.ui import page  # noqa: E402

if __name__ == "__main__":
    page.main()
