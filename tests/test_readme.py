"""The README opens with the two commands, and CI runs the README's test command."""

import re
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def _blocks() -> list[str]:
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    return re.findall(r"```bash\n(.*?)```", readme, flags=re.S)


def test_readme_opens_with_the_launch_and_test_commands():
    launch, test = (block.strip() for block in _blocks()[:2])
    assert launch == ("pip install -e . && python -m dashboard build-basemap && "
                      "streamlit run dashboard/app.py")
    assert test == "pip install -e '.[test]' && python -m dashboard build-basemap && python -m pytest"


def test_readme_ci_runs_the_readme_test_command():
    script = (ROOT / ".ci" / "run").read_text(encoding="utf-8")
    assert "pip install -q -e '.[test]'" in script
    assert re.search(r"^python -m dashboard build-basemap$", script, flags=re.M)
    assert re.search(r"^python -m pytest$", script, flags=re.M)


def test_readme_env_settings_are_documented():
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    code = "\n".join(p.read_text(encoding="utf-8") for p in (ROOT / "dashboard").rglob("*.py"))
    for name in sorted(set(re.findall(r"NEWSMAP_[A-Z_]+", code))):
        assert name in readme, f"{name} is read by the code but not in the README"
