#!/usr/bin/env python3
"""Regenerate ``data/registry.json`` from an unpacked copy of the COHERENT releases.

The SHA-256 and size of every file are computed from the directory given on the
command line (which must hold ``ar2020/`` and ``csi2021/``); everything a hash
cannot tell -- sources, licences, citations, per-file download addresses and
what could not be established -- is written by hand below, so that the registry
is reproducible::

    python data/make_registry.py DATA_ROOT -o data/registry.json

where DATA_ROOT holds ``ar2020/``, ``csi2021/``, ``solar/`` and ``xenonnt/`` (the
XENONnT release with ``cevns-templates-v1.bin`` written by ``cevns data import``;
the test suite assembles one in ``build/test-data-root``). The XENONnT templates
are listed in ``data/xenonnt-templates.tsv`` beside the registry.

Run it with ``--check`` to compare a directory against the committed registry
without writing anything (exit status 1 on any difference).

The script only needs the Python standard library.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import logging
import os
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
    "solar": {
        "title": (
            "Solar-neutrino tables: the 8B spectrum of Winter et al., the hep spectrum "
            "of Bahcall, and the B16 standard solar models (fluxes, radial profiles)"
        ),
        "source": "https://github.com/michelelucente/PEANUTS/tree/59e3a2a/Data",
        "record_url": "https://github.com/michelelucente/PEANUTS",
        "doi": None,
        "other_locations": [],
        "licence": (
            "not established for the copies: published data tables of the cited papers, "
            "taken unchanged from the PEANUTS repository's Data/ folder (commit 59e3a2a); "
            "cite the papers"
        ),
        "citation": [
            "W. T. Winter et al., The 8B neutrino spectrum, Phys. Rev. C 73, 025503 (2006)",
            "J. N. Bahcall, Gallium solar neutrino experiments: absorption cross sections, "
            "neutrino spectra, and predicted event rates, Phys. Rev. C 56, 3391 (1997)",
            "N. Vinyoles et al., A new generation of standard solar models, "
            "Astrophys. J. 835, 202 (2017), arXiv:1611.09867",
        ],
        "url_template": (
            "https://raw.githubusercontent.com/michelelucente/PEANUTS/59e3a2a/Data/{quoted_name}"
        ),
        "notes": [
            "README.md is the cevns copy's own note (required: false, no official address).",
            "Per-file addresses use the abbreviated commit 59e3a2a; a fetch checks the SHA-256.",
        ],
    },
    "xenonnt": {
        "title": ("XENONnT solar boron-8 neutrino and light dark matter searches data release"),
        "source": "https://doi.org/10.5281/zenodo.20576156",
        "record_url": "https://github.com/XENONnT/cevns_data_release",
        "doi": "10.5281/zenodo.20576156",
        "other_locations": ["https://github.com/XENONnT/cevns_data_release (commit 60d230d)"],
        "licence": "CC-BY-4.0 (LICENSE file of the release)",
        "citation": [
            "E. Aprile et al. (XENON), First Indication of Solar 8B Neutrinos via Coherent "
            "Elastic Neutrino-Nucleus Scattering with XENONnT, Phys. Rev. Lett. 133, 191002 "
            "(2024), arXiv:2408.02877 [nucl-ex]",
            "E. Aprile et al. (XENON), First Search for Light Dark Matter in the Neutrino Fog "
            "with XENONnT, Phys. Rev. Lett. 134, 111802 (2025), arXiv:2409.17868 [hep-ex]",
            "E. Aprile et al. (XENON), arXiv:2604.06002 (SR0-SR2 data and templates)",
            "XENON collaboration, XENONnT solar boron-8 neutrino and light dark matter "
            "searches data release, Zenodo, doi:10.5281/zenodo.20576156 (2026)",
        ],
        "url_template": (
            "https://raw.githubusercontent.com/XENONnT/cevns_data_release/60d230d/{relpath}"
        ),
        "notes": [
            "The release's limits/ folder and example notebook are not registered (no loader "
            "reads them).",
            "The ~6,900 HDF5 templates are listed in data/xenonnt-templates.tsv (path, size, "
            "SHA-256; its own SHA-256 is the dataset's 'manifest_sha256'), not one by one "
            "here, so that the registry the core compiles stays small.",
            f"{'xenonnt/cevns-templates-v1.bin'} is not a release file: `cevns data import` "
            "writes it from the HDF5 templates (python/cevns/data/xenonnt.py documents the "
            "layout); its SHA-256 is recorded so the core verifies it before reading.",
            "Per-file addresses use the abbreviated commit 60d230d (not verified offline); a "
            "fetch checks the SHA-256.",
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

# Bulk folders listed in a manifest file beside the registry instead of one entry each.
MANIFEST_FOLDERS: dict[str, str] = {"xenonnt": "templates/"}
MANIFEST_OUTPUT = Path(__file__).resolve().parent / "xenonnt-templates.tsv"

# Files cevns writes at import time from registered files (their hash is recorded so
# that the core can verify them like release files).
DERIVED: dict[str, str] = {
    "xenonnt/cevns-templates-v1.bin": (
        "written by `cevns data import` from xenonnt/templates/ "
        "(python/cevns/data/xenonnt.py); not a release file"
    ),
}

# Documentation with an official address that no loader reads (required: false).
DOCUMENTATION = {"xenonnt/README.md", "xenonnt/LICENSE"}

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
    "solar/README.md": "The cevns copy's own note on the tables; not a file of PEANUTS.",
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


def walk(folder: Path) -> list[Path]:
    """Every file below ``folder``, sorted, following symbolic links to folders."""
    return sorted(
        Path(top) / name for top, _, names in os.walk(folder, followlinks=True) for name in names
    )


def file_url(dataset: str, name: str, relpath: str) -> str | None:
    """Return the official per-file address of one file, or None if it has none."""
    if relpath in NO_OFFICIAL_URL:
        return None
    template = DATASETS[dataset]["url_template"]
    inner = relpath.split("/", 1)[1]
    return template.format(
        quoted_name=urllib.parse.quote(name, safe=""),
        relpath=urllib.parse.quote(inner, safe="/"),
    )


def scan(root: Path) -> list[dict[str, Any]]:
    """List every file of every registered dataset under ``root`` with hash and size."""
    files: list[dict[str, Any]] = []
    for dataset in sorted(DATASETS):
        folder = root / dataset
        if not folder.is_dir():
            raise SystemExit(f"error: {folder} is not a directory (expected {dataset}/)")
        for path in walk(folder):
            inner = path.relative_to(folder).as_posix()
            relpath = f"{dataset}/{inner}"
            if inner.startswith(MANIFEST_FOLDERS.get(dataset, "\0")) or relpath in DERIVED:
                continue
            entry: dict[str, Any] = {
                "path": relpath,
                "dataset": dataset,
                "sha256": sha256_of(path),
                "size": path.stat().st_size,
                "url": file_url(dataset, path.name, relpath),
                "required": relpath not in NO_OFFICIAL_URL and relpath not in DOCUMENTATION,
            }
            if relpath in NO_OFFICIAL_URL:
                entry["note"] = NO_OFFICIAL_URL[relpath]
            files.append(entry)
    unknown = set(NO_OFFICIAL_URL) - {f["path"] for f in files}
    if unknown:
        raise SystemExit(f"error: NO_OFFICIAL_URL names files not found: {sorted(unknown)}")
    return files


def manifest(root: Path, dataset: str) -> str:
    """The manifest of a dataset's bulk folder: ``path<TAB>size<TAB>sha256`` lines, sorted."""
    folder = root / dataset
    lines = []
    for path in walk(folder / MANIFEST_FOLDERS[dataset]):
        relpath = f"{dataset}/{path.relative_to(folder).as_posix()}"
        lines.append(f"{relpath}\t{path.stat().st_size}\t{sha256_of(path)}\n")
    return "".join(lines)


def derived(root: Path) -> list[dict[str, Any]]:
    """Entries of the files ``cevns data import`` writes (hashes of the files in ``root``)."""
    out = []
    for relpath, note in DERIVED.items():
        path = root / relpath.split("/", 1)[0] / relpath.split("/", 1)[1]
        if not path.is_file():
            raise SystemExit(f"error: {path} is missing: run the conversion first ({note})")
        out.append(
            {
                "path": relpath,
                "dataset": relpath.split("/", 1)[0],
                "sha256": sha256_of(path),
                "size": path.stat().st_size,
                "url": None,
                "required": True,
                "note": note,
            }
        )
    return out


def build(root: Path) -> dict[str, Any]:
    """Build the registry document for the releases unpacked under ``root``."""
    datasets = {
        name: {k: v for k, v in meta.items() if k != "url_template"}
        for name, meta in DATASETS.items()
    }
    for name in MANIFEST_FOLDERS:
        text = manifest(root, name)
        datasets[name]["manifest"] = MANIFEST_OUTPUT.name
        datasets[name]["manifest_sha256"] = hashlib.sha256(text.encode()).hexdigest()
        datasets[name]["manifest_url"] = DATASETS[name]["url_template"].split("{")[0]
    return {
        "schema_version": SCHEMA_VERSION,
        "generated_by": "data/make_registry.py (hashes and sizes computed; provenance "
        "hand-written in that script)",
        "datasets": datasets,
        "files": scan(root) + derived(root),
    }


def dumps(document: dict[str, Any]) -> str:
    """Serialise the registry the way it is committed (stable, diff-friendly)."""
    return json.dumps(document, indent=2, sort_keys=True, ensure_ascii=False) + "\n"


def main(argv: list[str] | None = None) -> int:
    """Command-line entry point; returns the exit status."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "root", type=Path, help="directory holding ar2020/, csi2021/, solar/ and xenonnt/"
    )
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
    manifest_path = args.output.parent / MANIFEST_OUTPUT.name
    manifest_text = manifest(args.root, "xenonnt")
    if args.check:
        for path, want in ((args.output, text), (manifest_path, manifest_text)):
            current = path.read_text(encoding="utf-8") if path.exists() else ""
            if current != want:
                LOG.error("%s is out of date with %s", path, args.root)
                return 1
        LOG.info("%s and %s match %s", args.output, manifest_path, args.root)
        return 0
    args.output.write_text(text, encoding="utf-8")
    manifest_path.write_text(manifest_text, encoding="utf-8")
    LOG.info("wrote %s and %s", args.output, manifest_path)
    return 0


if __name__ == "__main__":
    sys.exit(main())
