from pathlib import Path

# The checkout, and the tests' own data files, wherever a test module sits.
ROOT = Path(__file__).resolve().parent.parent
DATA = ROOT / "tests" / "data"
