#!/usr/bin/env python3
"""Regenerate ``data/registry.json`` from an unpacked copy of the COHERENT releases.

The SHA-256 and size of every file are computed from the directory given on the
command line (which must hold ``ar2020/`` and ``csi2021/``); everything a hash
cannot tell -- sources, licences, citations, per-file download addresses and
what could not be established -- is written by hand below, so that the registry
is reproducible::

    python data/make_registry.py ../shared/data/coherent -o data/registry.json

Run it with ``--check`` to compare a directory against the committed registry
without writing anything (exit status 1 on any difference).

The script only needs the Python standard library.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import logging
import sys
import urllib.parse
from pathlib import Path
from typing import Any

LOG = logging.getLogger("make_registry")

SCHEMA_VERSION = 1

ZENODO_AR_RECORD = "3903810"
ARXIV_CSI_ANC = "https://arxiv.org/src/2110.07730v2/anc/"

# ---------------------------------------------------------------------------
# Hand-written provenance. Edit here, then rerun the script.
# ---------------------------------------------------------------------------
DATASETS: dict[str, dict[str, Any]] = {
    "ar2020": {
        "title": (
            "COHERENT Collaboration data release from the first detection of coherent "
            "elastic neutrino-nucleus scattering on argon (CENNS-10, Analysis A)"
        ),
        "source": "https://doi.org/10.5281/zenodo.3903810",
        "record_url": f"https://zenodo.org/records/{ZENODO_AR_RECORD}",
        "doi": "10.5281/zenodo.3903810",
        "other_locations": [
            "https://coherent.ornl.gov/data-releases/",
            "https://code.ornl.gov/COHERENT/cenns10datarelease2020",
        ],
        "licence": (
            "not established: no licence statement was found in the shared copy or in "
            "the material consulted; see the Zenodo record page"
        ),
        "citation": [
            "D. Akimov et al. (COHERENT), First Measurement of Coherent Elastic "
            "Neutrino-Nucleus Scattering on Argon, Phys. Rev. Lett. 126, 012002 (2021), "
            "arXiv:2003.10630 [nucl-ex]",
            "D. Akimov et al. (COHERENT), COHERENT Collaboration data release from the "
            "first detection of coherent elastic neutrino-nucleus scattering on argon, "
            "arXiv:2006.12659 [nucl-ex], Zenodo, doi:10.5281/zenodo.3903810 (2020)",
        ],
        "url_template": (
            f"https://zenodo.org/records/{ZENODO_AR_RECORD}/files/{{quoted_name}}?download=1"
        ),
        "notes": [
            "Per-file addresses follow the Zenodo record's file links; '+' in a name is "
            "percent-encoded as %2B.",
            "The MD5 of every .txt/.yaml file of this dataset matches the provider MD5 "
            "that public third-party manifests record for the Zenodo record (checked "
            "offline; no download was possible from the machine that wrote this "
            "registry). A fetch checks the SHA-256 regardless.",
            "The Zenodo record also holds readYAMLParameters.py and PlotExtractedData.C "
            "(example code), which are not part of the shared copy and not registered.",
        ],
    },
    "csi2021": {
        "title": (
            "COHERENT CsI[Na] full data set: supplemental material of the CEvNS "
            "cross-section measurement on CsI"
        ),
        "source": "https://arxiv.org/abs/2110.07730",
        "record_url": ARXIV_CSI_ANC,
        "doi": "10.1103/PhysRevLett.129.081801",
        "other_locations": [
            "Supplemental Material of Phys. Rev. Lett. 129, 081801 (2022)",
        ],
        "licence": (
            "not established: the files are arXiv ancillary files of arXiv:2110.07730v2 "
            "(distributed under the licence of that arXiv submission); no separate "
            "licence statement was found"
        ),
        "citation": [
            "D. Akimov et al. (COHERENT), Measurement of the Coherent Elastic "
            "Neutrino-Nucleus Scattering Cross Section on CsI by COHERENT, "
            "Phys. Rev. Lett. 129, 081801 (2022), arXiv:2110.07730 [nucl-ex]",
        ],
        "url_template": ARXIV_CSI_ANC + "{quoted_name}",
        "notes": [
            "Per-file addresses are the arXiv ancillary files of arXiv:2110.07730v2 "
            "(versioned, hence stable). That these bytes equal the shared copy could "
            "not be confirmed offline; a fetch checks the SHA-256 and fails loudly if "
            "they differ.",
            "The same ancillary directory also holds snsFlux2D.root and "
            "Paper_CEvNSCsI_FullDataset_SupMaterials.pdf, which are not part of the "
            "shared copy and not registered.",
        ],
    },
}

# Files that have no per-file official address (url = null) and why. Files listed
# here are documentation: ``required: false`` (no loader reads them).
NO_OFFICIAL_URL: dict[str, str] = {
    "ar2020/CENNS10DataReleaseCompanion.pdf": (
        "These bytes (a June 2020 build with the DOI still a placeholder) differ from "
        "the companion PDF hosted on the Zenodo record, according to the provider "
        "checksums recorded by public third-party manifests; the origin of this exact "
        "version (coherent.ornl.gov or the code.ornl.gov repository) was not "
        "established. Get it with `cevns data import DIR`."
    ),
    "ar2020/CENNS10DataReleaseCompanion.txt": (
        "A plain-text rendering of the companion PDF, made for the shared copy; it is "
        "not a file of the official release. Get it with `cevns data import DIR`."
    ),
}


def sha256_of(path: Path, chunk: int = 1 << 20) -> str:
    """Return the hexadecimal SHA-256 of a file, read in chunks."""
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        for block in iter(lambda: handle.read(chunk), b""):
            digest.update(block)
    return digest.hexdigest()


def file_url(dataset: str, name: str, relpath: str) -> str | None:
    """Return the official per-file address of one file, or None if it has none."""
    if relpath in NO_OFFICIAL_URL:
        return None
    template = DATASETS[dataset]["url_template"]
    return template.format(quoted_name=urllib.parse.quote(name, safe=""))


def scan(root: Path) -> list[dict[str, Any]]:
    """List every file of every registered dataset under ``root`` with hash and size."""
    files: list[dict[str, Any]] = []
    for dataset in sorted(DATASETS):
        folder = root / dataset
        if not folder.is_dir():
            raise SystemExit(f"error: {folder} is not a directory (expected {dataset}/)")
        for path in sorted(p for p in folder.iterdir() if p.is_file()):
            relpath = f"{dataset}/{path.name}"
            entry: dict[str, Any] = {
                "path": relpath,
                "dataset": dataset,
                "sha256": sha256_of(path),
                "size": path.stat().st_size,
                "url": file_url(dataset, path.name, relpath),
                "required": relpath not in NO_OFFICIAL_URL,
            }
            if relpath in NO_OFFICIAL_URL:
                entry["note"] = NO_OFFICIAL_URL[relpath]
            files.append(entry)
    unknown = set(NO_OFFICIAL_URL) - {f["path"] for f in files}
    if unknown:
        raise SystemExit(f"error: NO_OFFICIAL_URL names files not found: {sorted(unknown)}")
    return files


def build(root: Path) -> dict[str, Any]:
    """Build the registry document for the releases unpacked under ``root``."""
    datasets = {
        name: {k: v for k, v in meta.items() if k != "url_template"}
        for name, meta in DATASETS.items()
    }
    return {
        "schema_version": SCHEMA_VERSION,
        "generated_by": "data/make_registry.py (hashes and sizes computed; provenance "
        "hand-written in that script)",
        "datasets": datasets,
        "files": scan(root),
    }


def dumps(document: dict[str, Any]) -> str:
    """Serialise the registry the way it is committed (stable, diff-friendly)."""
    return json.dumps(document, indent=2, sort_keys=True, ensure_ascii=False) + "\n"


def main(argv: list[str] | None = None) -> int:
    """Command-line entry point; returns the exit status."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("root", type=Path, help="directory holding ar2020/ and csi2021/")
    parser.add_argument(
        "-o",
        "--output",
        type=Path,
        default=Path(__file__).resolve().parent / "registry.json",
        help="registry file to write (default: data/registry.json beside this script)",
    )
    parser.add_argument(
        "--check", action="store_true", help="compare with --output instead of writing it"
    )
    args = parser.parse_args(argv)
    logging.basicConfig(level=logging.INFO, format="%(message)s")

    text = dumps(build(args.root))
    if args.check:
        current = args.output.read_text(encoding="utf-8") if args.output.exists() else ""
        if current != text:
            LOG.error("%s is out of date with %s", args.output, args.root)
            return 1
        LOG.info("%s matches %s", args.output, args.root)
        return 0
    args.output.write_text(text, encoding="utf-8")
    LOG.info("wrote %s", args.output)
    return 0


if __name__ == "__main__":
    sys.exit(main())
