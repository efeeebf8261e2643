"""How much nnU-Net's preprocessed data compresses: nnFT's estimate vs the bytes really written.

``core/disk_space.py`` estimates what ``nnUNetv2_preprocess`` writes as an uncompressed upper
bound (float32 per channel + int16 segmentation at the plans' target spacing, + ``MARGIN``, +
the copied raw labels) and refuses a run only when even ``BEST_COMPRESSION`` would not make it
fit. This script measures, case by case, how far that estimate is from what nnU-Net really
wrote, so the constants can be checked on any data (results of real CT/MR scans:
``docs/measurements.md``). It is not part of ``make test`` or ``make bench``: it needs scans
that are not in the repository and runs nnU-Net's real preprocessing for minutes.

Usage (from the repository root, with the project's venv)::

    # 1. Optional: an nnU-Net raw dataset from scans without labels (NIfTI/NRRD/MHA files or
    #    DICOM series folders); each case gets a SimpleITK label (CT: body > -500 HU = 1,
    #    bone > 300 HU = 2; other modalities: 2 Otsu thresholds = labels 1 and 2).
    .venv/bin/python -m benchmarks.preprocessed_compression make-dataset /tmp/realscans \\
        --id 901 --name RealCT --channel CT scan1.nii.gz scan2.nii.gz dicom_folder/

    # 2. Plan and preprocess it for real (-np 1) and compare, per case and in total
    #    (a dataset with plans already is refused unless --replan: nnU-Net overwrites them):
    .venv/bin/python -m benchmarks.preprocessed_compression measure /tmp/realscans 901 \\
        --preprocess -c 3d_fullres 2d

    # Or only compare, on a workspace (nnUNet_raw/, nnUNet_preprocessed/) preprocessed before:
    .venv/bin/python -m benchmarks.preprocessed_compression measure /my/workspace 17

The workspace is a folder with ``nnUNet_raw/`` and ``nnUNet_preprocessed/`` (as ``nnft demo``
makes); ``--json PATH`` also writes the rows. Columns of ``measure``: ``estimate`` is
:func:`nnft.core.disk_space.estimate_preprocessed_bytes` for that case alone, ``written`` the
bytes of ``CASE.b2nd`` + ``CASE_seg.b2nd`` + ``CASE.pkl`` + ``gt_segmentations/CASE<ending>``,
``ratio`` = estimate / written (how much the data would have to compress for the estimate to be
exact; the refusal needs free space < estimate / BEST_COMPRESSION, so ``ratio`` must stay
below ``BEST_COMPRESSION`` for a refusal never to hit data that would fit). ``crop`` and
``blosc2`` split the ratio of the image data: voxels at the target spacing / voxels stored
(nnU-Net's crop to the nonzero region) and float32 bytes stored / ``CASE.b2nd`` bytes.
"""

from __future__ import annotations

import argparse
import dataclasses
import json
import math
import os
import subprocess
import sys
from pathlib import Path
from typing import Any

from nnft.core.datasets import DatasetInfo, inspect_dataset, list_dataset_ids
from nnft.core.disk_space import (
    IMAGE_BYTES_PER_VOXEL,
    MARGIN,
    SEGMENTATION_BYTES_PER_VOXEL,
    estimate_preprocessed_bytes,
)
from nnft.core.workspace import Workspace

BIN = Path(sys.executable).parent
#: Hounsfield thresholds of the CT labels: air/background below the body, bone above.
CT_BODY_HU = -500.0
CT_BONE_HU = 300.0


def _read_scan(path: Path) -> Any:
    """A scan as a SimpleITK image: a file, or the first DICOM series of a folder."""
    import SimpleITK as sitk

    if path.is_dir():
        reader = sitk.ImageSeriesReader()
        names = reader.GetGDCMSeriesFileNames(str(path))
        if not names:
            raise SystemExit(f"{path}: no DICOM series in this folder")
        reader.SetFileNames(names)
        return reader.Execute()
    return sitk.ReadImage(str(path))


def make_label(image: Any, channel: str) -> Any:
    """A two-label segmentation of ``image`` (uint8, same geometry) that nnU-Net can plan with.

    CT: 1 = body (> ``CT_BODY_HU``), 2 = bone (> ``CT_BONE_HU``); other channels: the two Otsu
    thresholds split the image into background, 1 and 2.
    """
    import SimpleITK as sitk

    as_float = sitk.Cast(image, sitk.sitkFloat32)
    if channel.upper() == "CT":
        label = sitk.Cast(as_float > CT_BODY_HU, sitk.sitkUInt8)
        label = label + sitk.Cast(as_float > CT_BONE_HU, sitk.sitkUInt8)
    else:
        label = sitk.OtsuMultipleThresholds(as_float, numberOfThresholds=2)
    label = sitk.Cast(label, sitk.sitkUInt8)
    label.CopyInformation(image)
    return label


def make_dataset(root: Path, dataset_id: int, name: str, channel: str,
                 scans: list[Path]) -> Path:
    """Write ``root/nnUNet_raw/DatasetIII_NAME`` from ``scans`` (one case each), with labels
    from :func:`make_label`. Refuses to write over an existing dataset folder."""
    import SimpleITK as sitk

    raw = root / "nnUNet_raw" / f"Dataset{dataset_id:03d}_{name}"
    if raw.exists():
        raise SystemExit(f"{raw} exists already: remove it or choose another --id/--name")
    (raw / "imagesTr").mkdir(parents=True)
    (raw / "labelsTr").mkdir()
    for index, scan in enumerate(scans):
        image = _read_scan(scan)
        if image.GetNumberOfComponentsPerPixel() != 1:
            raise SystemExit(f"{scan}: {image.GetNumberOfComponentsPerPixel()} components a "
                             "voxel (RGB?); give single-channel scans")
        case = f"{name.lower()}_{index:03d}"
        sitk.WriteImage(image, str(raw / "imagesTr" / f"{case}_0000.nii.gz"))
        sitk.WriteImage(make_label(image, channel), str(raw / "labelsTr" / f"{case}.nii.gz"))
        print(f"{case}: {scan} size {image.GetSize()} spacing "
              f"{tuple(round(s, 3) for s in image.GetSpacing())} {image.GetPixelIDTypeAsString()}")
    labels = ({"background": 0, "body": 1, "bone": 2} if channel.upper() == "CT"
              else {"background": 0, "otsu_1": 1, "otsu_2": 2})
    (raw / "dataset.json").write_text(json.dumps({
        "channel_names": {"0": channel}, "labels": labels, "numTraining": len(scans),
        "file_ending": ".nii.gz"}, indent=2))
    return raw


def _nnunet_env(root: Path) -> dict[str, str]:
    env = dict(os.environ)
    env["PATH"] = f"{BIN}{os.pathsep}{env.get('PATH', '')}"
    env.update({"nnUNet_raw": str(root / "nnUNet_raw"),
                "nnUNet_preprocessed": str(root / "nnUNet_preprocessed"),
                "nnUNet_results": str(root / "nnUNet_results")})
    return env


def preprocess(root: Path, dataset_id: int, configurations: list[str], processes: int, *,
               replan: bool = False) -> None:
    """Run nnU-Net's real ``nnUNetv2_plan_and_preprocess`` on the dataset (default planner).

    Refuses when the dataset has plans already (nnU-Net would overwrite them and delete the
    preprocessed folders it rewrites) unless ``replan``.
    """
    planned = sorted((root / "nnUNet_preprocessed").glob(f"Dataset{dataset_id:03d}_*/*Plans*.json"))
    if planned and not replan:
        raise SystemExit(f"{planned[0]} exists: nnUNetv2_plan_and_preprocess would overwrite it "
                         "and its preprocessed data. Measure without --preprocess, or add "
                         "--replan to overwrite them.")
    argv = [str(BIN / "nnUNetv2_plan_and_preprocess"), "-d", str(dataset_id),
            "-c", *configurations, "--verify_dataset_integrity",
            "-np", str(processes), "-npfp", str(processes)]
    print("$", " ".join(argv), flush=True)
    subprocess.run(argv, env=_nnunet_env(root), check=True)


def _stored_voxels(path: Path) -> int | None:
    """Voxels of a ``.b2nd`` array (its shape, from the header; nothing decompressed)."""
    try:
        import blosc2  # type: ignore[import-untyped]

        return math.prod(blosc2.open(str(path), mode="r").shape)
    except Exception:  # a missing or unreadable file: the row shows "-"
        return None


def measure_case(info: DatasetInfo, case: str, plans: dict, configuration: str,
                 preprocessed: Path) -> dict[str, Any]:
    """One case's row: nnFT's estimate for it alone and the bytes nnU-Net wrote for it."""
    files = info.cases[case]
    alone = dataclasses.replace(info, cases={case: files})
    estimate = estimate_preprocessed_bytes(alone, plans, configuration).bytes_needed
    data_dir = preprocessed / plans["configurations"][configuration]["data_identifier"]
    data, seg, properties = (data_dir / f"{case}.b2nd", data_dir / f"{case}_seg.b2nd",
                             data_dir / f"{case}.pkl")
    gt = preprocessed / "gt_segmentations" / f"{case}{info.file_ending or ''}"
    sizes = {part.name: part.stat().st_size if part.is_file() else 0
             for part in (data, seg, properties, gt)}
    written = sum(sizes.values())
    channels = len(files.get("images") or [])
    # The voxels nnFT counted at the target spacing: the estimate without the raw label's
    # bytes and the margin, over the bytes a voxel takes (every channel + the segmentation).
    estimated_voxels = round((estimate - sizes[gt.name]) / (1 + MARGIN)
                             / (IMAGE_BYTES_PER_VOXEL * channels + SEGMENTATION_BYTES_PER_VOXEL))
    stored = _stored_voxels(data)  # channels × the voxels left after nnU-Net's crop
    per_channel = stored // channels if stored and channels else None
    return {
        "case": case, "configuration": configuration, "channels": channels,
        "estimate": estimate, "written": written,
        "ratio": estimate / written if written else None,
        "estimated_voxels": estimated_voxels, "stored_voxels_per_channel": per_channel,
        "crop": estimated_voxels / per_channel if per_channel else None,
        "blosc2": (per_channel * channels * IMAGE_BYTES_PER_VOXEL / sizes[data.name]
                   if per_channel and sizes[data.name] else None),
        "files": sizes,
    }


def _dataset_name(root: Path, reference: str) -> str:
    workspace = Workspace.from_root(root)
    if reference.isdigit():
        names = list_dataset_ids(workspace)
        if int(reference) not in names:
            raise SystemExit(f"no dataset {reference} under {workspace.raw}")
        return names[int(reference)]
    return reference


def measure(root: Path, reference: str, configurations: list[str] | None,
            plans_identifier: str) -> list[dict[str, Any]]:
    """Rows of every case and configuration preprocessed, plus one ``TOTAL`` row each."""
    root = root.expanduser().absolute()
    workspace = Workspace.from_root(root)
    name = _dataset_name(root, reference)
    info = inspect_dataset(workspace, name)
    if not info.cases:
        raise SystemExit(f"{name}: no training cases listed ({info.problems})")
    preprocessed = root / "nnUNet_preprocessed" / name
    plans_file = preprocessed / f"{plans_identifier}.json"
    if not plans_file.is_file():
        raise SystemExit(f"{plans_file} is missing: preprocess first (--preprocess)")
    plans = json.loads(plans_file.read_text())
    chosen = configurations or [c for c, v in plans["configurations"].items()
                                if (preprocessed / str(v.get("data_identifier"))).is_dir()]
    rows: list[dict[str, Any]] = []
    for configuration in chosen:
        case_rows = [measure_case(info, case, plans, configuration, preprocessed)
                     for case in sorted(info.cases)]
        rows.extend(case_rows)
        whole = estimate_preprocessed_bytes(info, plans, configuration).bytes_needed
        written = sum(r["written"] for r in case_rows)
        rows.append({"case": "TOTAL", "configuration": configuration, "estimate": whole,
                     "written": written, "ratio": whole / written if written else None})
    return rows


def _megabytes(value: float | None) -> str:
    return "-" if value is None else f"{value / 1e6:9.2f}"


def _factor(value: float | None) -> str:
    return "-" if value is None else f"{value:6.2f}"


def print_table(rows: list[dict[str, Any]]) -> None:
    """The rows as a Markdown table (MB = 10^6 bytes)."""
    print("| configuration | case | estimate MB | written MB | ratio | crop | blosc2 |")
    print("|---|---|---:|---:|---:|---:|---:|")
    for row in rows:
        print(f"| {row['configuration']} | {row['case']} | {_megabytes(row['estimate'])} | "
              f"{_megabytes(row['written'])} | {_factor(row['ratio'])} | "
              f"{_factor(row.get('crop'))} | {_factor(row.get('blosc2'))} |")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m benchmarks.preprocessed_compression",
                                     description=__doc__.split("\n\n")[0])
    commands = parser.add_subparsers(dest="command", required=True)
    make = commands.add_parser("make-dataset", help="an nnU-Net raw dataset from scans")
    make.add_argument("workspace", type=Path)
    make.add_argument("--id", type=int, required=True)
    make.add_argument("--name", required=True)
    make.add_argument("--channel", default="CT", help="CT, MRI, … (dataset.json channel name)")
    make.add_argument("scans", type=Path, nargs="+")
    run = commands.add_parser("measure", help="estimate vs written bytes, per case")
    run.add_argument("workspace", type=Path)
    run.add_argument("dataset", help="dataset id or DatasetXXX_Name")
    run.add_argument("-c", "--configurations", nargs="+",
                     help="default: every configuration whose data folder exists")
    run.add_argument("--plans", default="nnUNetPlans", help="plans identifier")
    run.add_argument("--preprocess", action="store_true",
                     help="run nnUNetv2_plan_and_preprocess first (-c as given, or 3d_fullres)")
    run.add_argument("--replan", action="store_true",
                     help="with --preprocess: overwrite existing plans and preprocessed data")
    run.add_argument("-np", "--processes", type=int, default=1)
    run.add_argument("--json", type=Path, help="also write the rows to this file")
    args = parser.parse_args(argv)
    if args.command == "make-dataset":
        print(make_dataset(args.workspace.expanduser().absolute(), args.id, args.name,
                           args.channel, args.scans))
        return 0
    if args.preprocess:
        dataset_id = int(args.dataset) if args.dataset.isdigit() else int(args.dataset[7:10])
        preprocess(args.workspace.expanduser().absolute(), dataset_id,
                   args.configurations or ["3d_fullres"], args.processes, replan=args.replan)
    rows = measure(args.workspace, args.dataset, args.configurations, args.plans)
    print_table(rows)
    if args.json:
        args.json.write_text(json.dumps(rows, indent=2))
    return 0


if __name__ == "__main__":
    sys.exit(main())
