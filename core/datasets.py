"""nnU-Net datasets: discovery by id, ``dataset.json`` validation, file checks, header scans.

Nothing here raises on bad input: every defect becomes a :class:`~nnft.core.problems.Problem`
naming the dataset and file, with a fix.
"""

from __future__ import annotations

import json
import math
import os
import re
import statistics
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from . import problems as P
from .header_cache import ImageInformation, image_information, nifti_header, nifti_integrity
from .i18n import text
from .nifti_header import is_nifti
from .problems import Problem
from .workspace import Workspace

#: nnU-Net's channel suffix of an image file name (``create_paths_fn``: ``_\d\d\d\d``).
_CHANNEL_SUFFIX = re.compile(r"_\d\d\d\d")

#: nnU-Net's folder convention: ``DatasetXXX_Name`` with a 3-digit id (``int(name[7:10])``).
DATASET_FOLDER_RE = re.compile(r"^Dataset(\d{3})_(.+)$")
REQUIRED_KEYS = ("labels", "numTraining", "file_ending")


def dataset_id_from_name(name: str) -> int | None:
    """The id of a ``DatasetXXX_Name`` folder name, or None if it is not one."""
    match = DATASET_FOLDER_RE.match(name)
    return int(match.group(1)) if match else None


def candidate_names(workspace: Workspace, dataset_id: int) -> dict[str, list[Path]]:
    """Folder name → folders, for every ``DatasetXXX_*`` folder with this id in any root.

    The same rule as nnU-Net's ``find_candidate_datasets``: more than one distinct name means
    nnU-Net cannot resolve the id.
    """
    prefix = f"Dataset{dataset_id:03d}_"
    found: dict[str, list[Path]] = {}
    for root in (workspace.raw, workspace.preprocessed, workspace.results):
        if root is None or not root.is_dir():
            continue
        try:
            entries = sorted(root.iterdir())
        except OSError:
            continue
        for entry in entries:
            if entry.name.startswith(prefix) and entry.is_dir():
                found.setdefault(entry.name, []).append(entry)
    return found


def list_dataset_ids(workspace: Workspace) -> dict[int, str]:
    """Dataset id → folder name of the datasets in ``nnUNet_raw`` (the ones that can be planned),
    plus those only present in ``nnUNet_preprocessed``."""
    ids: dict[int, str] = {}
    for root in (workspace.raw, workspace.preprocessed):
        if root is None or not root.is_dir():
            continue
        for entry in sorted(root.iterdir()):
            dataset_id = dataset_id_from_name(entry.name)
            if dataset_id is not None and entry.is_dir():
                ids.setdefault(dataset_id, entry.name)
    return dict(sorted(ids.items()))


def parse_dataset_reference(reference: str | int) -> tuple[int | None, str | None]:
    """``2``, ``"2"``, ``"002"`` or ``"Dataset002_Heart"`` → (id, name or None).

    Returns (None, None) for anything else.
    """
    if isinstance(reference, int):
        return (reference, None) if 0 < reference < 1000 else (None, None)
    text = str(reference).strip()
    # isdecimal, not isdigit: '¹' is a digit that int() refuses (found by hypothesis).
    if text.isdecimal():
        value = int(text)
        return (value, None) if 0 < value < 1000 else (None, None)
    dataset_id = dataset_id_from_name(text)
    return (dataset_id, text) if dataset_id is not None else (None, None)


def resolve_dataset(workspace: Workspace, reference: str | int, role: str) -> tuple[str | None,
                                                                                  list[Problem]]:
    """Find the one dataset folder name a reference means.

    Parameters
    ----------
    reference
        An id or a ``DatasetXXX_Name`` name.
    role
        "pretraining" or "fine-tuning", for the messages.
    """
    dataset_id, name = parse_dataset_reference(reference)
    role = _ROLE_TEXTS.get(role, role)
    if dataset_id is None:
        return None, [P.error(
            P.DATASET_NOT_FOUND,
            text("'{reference}' is not a dataset id (1-999) or a DatasetXXX_Name folder name "
                 "({role} dataset).", reference=reference, role=role),
            text("Give the number of the dataset, e.g. 2 for Dataset002_Heart."),
        )]
    candidates = candidate_names(workspace, dataset_id)
    if len(candidates) > 1:
        listing = "; ".join(f"{n} in {', '.join(str(p.parent) for p in paths)}"
                            for n, paths in candidates.items())
        return None, [P.error(
            P.DATASET_ID_AMBIGUOUS,
            text("Dataset id {dataset_id} ({role}) is used by {count} different folders: "
                 "{listing}. nnU-Net cannot tell which one you mean.",
                 dataset_id=dataset_id, role=role, count=len(candidates), listing=listing),
            text("Rename or remove the stale folders so that one name per id remains in "
                 "nnUNet_raw, nnUNet_preprocessed and nnUNet_results."),
        )]
    if not candidates or (name is not None and name not in candidates):
        where = workspace.raw if workspace.raw is not None else "nnUNet_raw"
        wanted = name or f"Dataset{dataset_id:03d}_*"
        return None, [P.error(
            P.DATASET_NOT_FOUND,
            text("No {role} dataset {wanted} in {where}.", role=role, wanted=wanted, where=where),
            text("Check the id, or convert your data into nnU-Net's format in nnUNet_raw first "
                 "(imagesTr/, labelsTr/, dataset.json)."),
        )]
    return next(iter(candidates)), []


#: The roles resolve_dataset names in its messages, as texts the wizard translates.
_ROLE_TEXTS = {"pretraining": text("pretraining"), "fine-tuning": text("fine-tuning")}


def _is_int(value: Any) -> bool:
    return isinstance(value, int) and not isinstance(value, bool)


def validate_dataset_json(data: Any, where: str) -> list[Problem]:
    """Check the keys nnU-Net needs in a ``dataset.json`` and their types. Never raises.

    Parameters
    ----------
    data
        The parsed JSON (anything).
    where
        The file, for messages.
    """
    def bad(message: str, fix: str) -> Problem:
        return P.error(P.DATASET_JSON_INVALID, text("{where}: {message}", where=where,
                                                    message=message), fix)

    # Templates without parameters are not formatted: their braces are literal JSON.
    if not isinstance(data, dict):
        return [bad(text("expected a JSON object, found {type}.", type=type(data).__name__),
                    text("Write dataset.json as an object with channel_names, labels, "
                         "numTraining and file_ending (nnU-Net's generate_dataset_json "
                         "helps)."))]
    found: list[Problem] = []
    channels = data.get("channel_names", data.get("modality"))
    if channels is None:
        found.append(bad(text("the key 'channel_names' is missing."),
                         text('Add e.g. "channel_names": {"0": "CT"}.')))
    elif not isinstance(channels, dict) or not channels:
        found.append(bad(text("'channel_names' must be a non-empty object such as "
                              "{\"0\": \"CT\"}."),
                         text('Write it as "channel_names": {"0": "CT"} (one entry per '
                              'channel).')))
    else:
        expected = [str(i) for i in range(len(channels))]
        if sorted(channels, key=lambda k: (len(str(k)), str(k))) != expected:
            found.append(bad(text("'channel_names' keys must be 0..{last}, found {keys}.",
                                  last=len(channels) - 1, keys=sorted(channels)),
                             text("Number the channels from 0 without gaps, matching the "
                                  "_0000, _0001 file suffixes.")))
        elif not all(isinstance(v, str) and v.strip() for v in channels.values()):
            found.append(bad(text("every channel name must be a non-empty text such as "
                                  "\"CT\"."),
                             text('Name each channel, e.g. {"0": "T2", "1": "ADC"}.')))
    for key in REQUIRED_KEYS:
        if key not in data:
            found.append(bad(text("the key '{key}' is missing.", key=key),
                             text("Add '{key}' (see nnU-Net's dataset_format documentation).",
                                  key=key)))
    labels = data.get("labels")
    if "labels" in data:
        if not isinstance(labels, dict) or not labels:
            found.append(bad(text("'labels' must be a non-empty object such as "
                                  "{\"background\": 0, \"liver\": 1}."),
                             text("Map each label name to its integer value.")))
        else:
            values: list[int] = []
            region_based = False
            for label_name, value in labels.items():
                if _is_int(value):
                    values.append(value)
                elif (isinstance(value, list) and value
                      and all(_is_int(v) for v in value)):
                    region_based = True
                    values.extend(value)
                else:
                    found.append(bad(text("label '{label}' has the value {value!r}; expected "
                                          "an integer (or a list of integers for regions).",
                                          label=label_name, value=value),
                                     text("Give every label an integer value.")))
                    break
            else:
                if labels.get("background") != 0:
                    found.append(bad(text("'labels' needs \"background\": 0."),
                                     text('Add "background": 0 to labels.')))
                elif not region_based:
                    named = sorted(v for k, v in labels.items() if k != "ignore")
                    if named != list(range(len(named))):
                        found.append(bad(text("label values must be consecutive from 0, "
                                              "found {values}.", values=named),
                                         text("Renumber the labels 0, 1, 2, ... (in the label "
                                              "files too).")))
                if region_based and "regions_class_order" not in data:
                    found.append(bad(text("region-based labels need 'regions_class_order'."),
                                     text("Add regions_class_order (see nnU-Net's region-based "
                                          "training documentation).")))
                if "ignore" in labels:
                    # nnU-Net's LabelManager asserts this at planning and training.
                    highest = max((v for k in labels if k != "ignore"
                                   for v in (labels[k] if isinstance(labels[k], list)
                                             else [labels[k]])), default=0)
                    if labels["ignore"] != highest + 1:
                        found.append(bad(text("the 'ignore' label must be an integer one above "
                                              "the highest label ({expected}), found "
                                              "{found!r}.", expected=highest + 1,
                                              found=labels["ignore"]),
                                         text('Set "ignore": {expected} (and use that value in '
                                              "the label files).", expected=highest + 1)))
    if "numTraining" in data and (not _is_int(data["numTraining"]) or data["numTraining"] < 1):
        found.append(bad(text("'numTraining' must be a positive integer, found {found!r}.",
                              found=data["numTraining"]),
                         text("Set numTraining to the number of training cases in imagesTr.")))
    file_ending = data.get("file_ending")
    if "file_ending" in data and (not isinstance(file_ending, str)
                                  or not file_ending.startswith(".") or len(file_ending) < 2):
        found.append(bad(text("'file_ending' must look like \".nii.gz\", found {found!r}.",
                              found=file_ending),
                         text('Set file_ending to the extension of your images, e.g. '
                              '".nii.gz".')))
    return found


def load_dataset_json(path: Path) -> tuple[dict | None, list[Problem]]:
    """Read and validate a ``dataset.json``. Never raises."""
    if not path.is_file():
        return None, [P.error(P.DATASET_JSON_INVALID, text("{path} does not exist.", path=path),
                              text("Create dataset.json next to imagesTr/ and labelsTr/."))]
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except UnicodeDecodeError as exc:
        return None, [P.error(P.DATASET_JSON_INVALID,
                              text("{path} is not UTF-8 text ({reason}).", path=path,
                                   reason=exc.reason),
                              text("Save dataset.json as UTF-8."))]
    except json.JSONDecodeError as exc:
        return None, [P.error(P.DATASET_JSON_INVALID,
                              text("{path} is not valid JSON: {error} at line {line}, "
                                   "column {column}.", path=path, error=exc.msg,
                                   line=exc.lineno, column=exc.colno),
                              text("Fix the JSON syntax (a JSON validator shows the spot)."))]
    except RecursionError:
        return None, [P.error(P.DATASET_JSON_INVALID,
                              text("{path} is nested too deeply to be a dataset.json.",
                                   path=path),
                              text("Write dataset.json as a flat object (nnU-Net's "
                                   "generate_dataset_json helps)."))]
    except OSError as exc:
        return None, [P.error(P.DATASET_JSON_INVALID,
                              text("{path} cannot be read: {reason}.", path=path,
                                   reason=exc.strerror),
                              text("Check the file's permissions."))]
    found = validate_dataset_json(data, str(path))
    return (data if not found else None), found


@dataclass
class DatasetInfo:
    """What nnFT knows about one raw dataset."""

    dataset_id: int
    name: str
    raw_dir: Path
    dataset_json: dict | None = None
    cases: dict[str, dict[str, Any]] = field(default_factory=dict)
    problems: list[Problem] = field(default_factory=list)
    #: Memo of ``steps.disk.raw_data_signature`` (a ``stat`` of every listed file): taken once
    #: per inspection, like the case list itself.
    raw_signature: dict[str, Any] | None = field(default=None, repr=False, compare=False)

    @property
    def channel_names(self) -> dict[str, str]:
        if not self.dataset_json:
            return {}
        return dict(self.dataset_json.get("channel_names", self.dataset_json.get("modality", {})))

    @property
    def labels(self) -> dict[str, Any]:
        return dict(self.dataset_json.get("labels", {})) if self.dataset_json else {}

    @property
    def file_ending(self) -> str | None:
        return self.dataset_json.get("file_ending") if self.dataset_json else None

    @property
    def num_training(self) -> int | None:
        return self.dataset_json.get("numTraining") if self.dataset_json else None

    @property
    def ok(self) -> bool:
        return not P.has_errors(self.problems)


def list_training_cases(raw_dir: Path, dataset_json: dict) -> dict[str, dict[str, Any]]:
    """Case id → {"images": [...], "label": path}, exactly as nnU-Net lists them
    (it honours an explicit ``dataset`` key in dataset.json)."""
    if "dataset" in dataset_json:
        # Lazy: nnunetv2 (and numpy with it) is needed only for this layout.
        from nnunetv2.utilities.utils import get_filenames_of_train_images_and_targets

        return get_filenames_of_train_images_and_targets(str(raw_dir), dataset_json)
    # The same rule as nnU-Net's lister (a case's files are CASE_XXXX<file_ending>), without the
    # 12-process Pool it starts for every call (forking from the wizard's threads is unsafe)
    # and in one pass: nnU-Net's create_paths_fn matches every file against every case, which
    # took 5 s for 4,000 cases.
    images_dir = raw_dir / "imagesTr"
    if not images_dir.is_dir():
        return {}
    file_ending = dataset_json["file_ending"]
    # os.scandir: the file type comes with the listing (no stat per file, no Path objects).
    with os.scandir(images_dir) as entries:
        files = sorted(entry.name for entry in entries
                       if entry.name.endswith(file_ending) and entry.is_file())
    suffix = 5 + len(file_ending)  # _XXXX<file_ending>
    # Plain string joins: a Path per file cost more than the listing (8,000 files: ~40 ms).
    images_prefix = str(images_dir) + os.sep
    labels_prefix = str(raw_dir / "labelsTr") + os.sep
    by_case: dict[str, list[str]] = {}
    for name in files:
        if _CHANNEL_SUFFIX.fullmatch(name[-suffix:-len(file_ending)]):
            by_case.setdefault(name[:-suffix], []).append(images_prefix + name)
    # Identifiers as nnU-Net derives them: every file name without its last 5 characters
    # before the ending, even when those are not _XXXX (such a case then has no images).
    identifiers = sorted({name[:-suffix] for name in files})
    return {
        case: {
            "images": by_case.get(case, []),
            "label": f"{labels_prefix}{case}{file_ending}",
        }
        for case in identifiers
    }


def inspect_dataset(workspace: Workspace, name: str, *, integrity: bool = False) -> DatasetInfo:
    """Load ``dataset.json`` and check that the files it promises exist. Never raises.

    With ``integrity`` every case's files are also checked from their headers
    (:func:`case_integrity_problems`: cut-off files, label geometry); the preflight asks for it.
    """
    dataset_id = dataset_id_from_name(name) or 0
    raw_dir = (workspace.raw / name) if workspace.raw is not None else Path(name)
    info = DatasetInfo(dataset_id, name, raw_dir)
    if not raw_dir.is_dir():
        info.problems.append(P.error(
            P.DATASET_NOT_FOUND,
            text("{name} has no raw folder {raw_dir} (it exists only in preprocessed/results).",
                 name=name, raw_dir=raw_dir),
            text("Put the raw dataset into {raw_dir} (dataset.json, imagesTr/, labelsTr/).",
                 raw_dir=raw_dir),
        ))
        return info
    data, found = load_dataset_json(raw_dir / "dataset.json")
    info.problems.extend(found)
    if data is None:
        return info
    info.dataset_json = data
    try:
        info.cases = list_training_cases(raw_dir, data)
    except Exception as exc:  # nnU-Net's listing raises on many malformed layouts
        info.problems.append(P.error(
            P.DATASET_FILES_MISSING,
            text("{name}: nnU-Net cannot list the training cases ({error_type}: {error}).",
                 name=name, error_type=type(exc).__name__, error=str(exc)),
            text("Check imagesTr/ and labelsTr/ follow CASE_0000<file_ending> and "
                 "CASE<file_ending>."),
        ))
        return info
    info.problems.extend(_check_case_files(info))
    if integrity:
        info.problems.extend(case_integrity_problems(info))
    return info


def _check_case_files(info: DatasetInfo) -> list[Problem]:
    found: list[Problem] = []
    data = info.dataset_json or {}
    n_channels = len(info.channel_names)
    if not info.cases:
        return [P.error(
            P.DATASET_FILES_MISSING,
            text("{name}: no training images in {folder} ending in {file_ending}.",
                 name=info.name, folder=info.raw_dir / "imagesTr",
                 file_ending=data.get("file_ending")),
            text("Put the images in imagesTr/ named CASE_0000<file_ending>, or fix file_ending."),
        )]
    if len(info.cases) != data.get("numTraining"):
        found.append(P.error(
            P.DATASET_FILES_MISSING,
            text("{name}: dataset.json says numTraining={declared}, but {count} cases were "
                 "found in imagesTr/.", name=info.name, declared=data.get("numTraining"),
                 count=len(info.cases)),
            text("Set numTraining to {count}, or add the missing cases.", count=len(info.cases)),
        ))
    wrong_channels = [c for c, d in info.cases.items() if len(d.get("images", [])) != n_channels]
    if wrong_channels:
        found.append(P.error(
            P.DATASET_FILES_MISSING,
            text("{name}: {count} case(s) do not have exactly {channels} channel file(s), "
                 "e.g. {example}.", name=info.name, count=len(wrong_channels),
                 channels=n_channels, example=wrong_channels[0]),
            text("Every case needs CASE_0000 ... CASE_{last:04d} files, one per channel_names "
                 "entry.", last=n_channels - 1),
        ))
    missing_images = [p for d in info.cases.values() for p in d.get("images", [])
                      if not os.path.isfile(p)]
    if missing_images:
        found.append(P.error(
            P.DATASET_FILES_MISSING,
            text("{name}: {count} image file(s) listed in dataset.json do not exist, e.g. "
                 "{example}.", name=info.name, count=len(missing_images),
                 example=missing_images[0]),
            text("Fix the paths in dataset.json's 'dataset' entry or add the files."),
        ))
    missing_labels = [d.get("label") for d in info.cases.values()
                      if not d.get("label") or not os.path.isfile(d["label"])]
    if missing_labels:
        found.append(P.error(
            P.DATASET_FILES_MISSING,
            text("{name}: {count} case(s) have no label file in labelsTr/, e.g. {example}.",
                 name=info.name, count=len(missing_labels), example=missing_labels[0]),
            text("Add labelsTr/CASE<file_ending> for every training case."),
        ))
    return found


@dataclass(frozen=True)
class ImageSummary:
    """A header-only summary of a dataset's training images (no voxels read)."""

    n_cases_scanned: int
    n_channels: int
    median_spacing: tuple[float, ...]
    median_size: tuple[int, ...]
    min_size: tuple[int, ...]
    max_size: tuple[int, ...]
    pixel_types: tuple[str, ...]
    dimension: int


def largest_image_voxels(*infos: DatasetInfo) -> int | None:
    """Voxels of the largest training image of these datasets (headers only), to size the
    preprocessing workers by; None when no image could be read.

    NIfTI headers are read directly (:mod:`nifti_header`, ~0.06 ms a file), other formats with
    SimpleITK (~3 ms a file); each once per file version (:mod:`header_cache`).
    """
    voxels = 0
    for info in infos:
        for case in info.cases.values():
            images = case.get("images") or []
            if not images:
                continue
            path = str(images[0])
            # The header the integrity check read (and cached) moments before.
            header = nifti_header(path) if is_nifti(path) else None
            shape = header.shape if header is not None else None
            if shape is None:
                found = image_information(path)
                shape = found.size if found is not None else None
            if shape is not None:
                voxels = max(voxels, math.prod(shape))
    return voxels or None


def scan_image_headers(info: DatasetInfo, max_cases: int | None = None) -> ImageSummary | None:
    """Read the headers of the first channel of each case with SimpleITK.

    Only headers are read (``ReadImageInformation``), so this takes milliseconds per case even
    for large CT volumes. Returns None when nothing could be read.
    """
    spacings: list[tuple[float, ...]] = []
    sizes: list[tuple[int, ...]] = []
    pixel_types: set[str] = set()
    for case in list(info.cases.values())[:max_cases]:
        images = case.get("images") or []
        found = image_information(images[0]) if images else None  # once per file version
        if found is None:
            continue
        spacings.append(found.spacing)
        sizes.append(found.size)
        pixel_types.add(found.pixel_type)
    if not sizes:
        return None
    dim = len(sizes[0])
    same_dim = [(sp, sz) for sp, sz in zip(spacings, sizes, strict=True) if len(sz) == dim]
    return ImageSummary(
        n_cases_scanned=len(sizes),
        n_channels=len(info.channel_names),
        median_spacing=tuple(statistics.median(sp[i] for sp, _ in same_dim) for i in range(dim)),
        median_size=tuple(int(statistics.median(sz[i] for _, sz in same_dim))
                          for i in range(dim)),
        min_size=tuple(min(sz[i] for _, sz in same_dim) for i in range(dim)),
        max_size=tuple(max(sz[i] for _, sz in same_dim) for i in range(dim)),
        pixel_types=tuple(sorted(pixel_types)),
        dimension=dim,
    )


#: nnU-Net compares geometry with ``np.allclose``'s defaults (``verify_dataset_integrity``'s
#: ``check_cases``, ``BaseReaderWriter._check_all_same``).
_RTOL, _ATOL = 1e-05, 1e-08
#: Cases (or files) a problem names as examples besides the one it describes in full.
_MAX_EXAMPLES = 5


def _allclose(values: tuple[float, ...], reference: tuple[float, ...]) -> bool:
    """``np.allclose(values, reference)``: ``|a - b| <= atol + rtol * |b|`` for every entry (the
    tolerance scales with the second argument, as in nnU-Net's calls)."""
    return len(values) == len(reference) and all(
        abs(a - b) <= _ATOL + _RTOL * abs(b) for a, b in zip(values, reference, strict=True))


def _format_values(values: tuple[float, ...] | tuple[int, ...]) -> str:
    # + 0.0: a direction's -0.0 reads as 0.
    return "(" + ", ".join(f"{v + 0.0:.7g}" for v in values) + ")"


_FIELD_TEXTS = {"size": text("size"), "spacing": text("spacing"), "origin": text("origin"),
                "direction": text("direction")}


def _first_difference(image: ImageInformation, other: ImageInformation, is_label: bool,
                      ) -> tuple[str, str, str] | None:
    """(field, image's value, other's value) of the first field that differs beyond nnU-Net's
    tolerance: size and spacing first (nnU-Net refuses those), then origin and direction."""
    if image.size != other.size:
        return "size", _format_values(image.size), _format_values(other.size)
    # The argument order of nnU-Net's np.allclose calls: for a label, spacing is
    # allclose(seg, image) but origin and direction allclose(image, seg); channels compare
    # every further channel with the first (allclose(first, others)).
    spacing_close = (_allclose(other.spacing, image.spacing) if is_label
                     else _allclose(image.spacing, other.spacing))
    if not spacing_close:
        return "spacing", _format_values(image.spacing), _format_values(other.spacing)
    if not _allclose(image.origin, other.origin):
        return "origin", _format_values(image.origin), _format_values(other.origin)
    if not _allclose(image.direction, other.direction):
        return "direction", _format_values(image.direction), _format_values(other.direction)
    return None


def case_integrity_problems(info: DatasetInfo) -> list[Problem]:
    """Cut-off files and image/label geometry of every case, from the headers only.

    Every image and label of a NIfTI dataset is checked with :func:`nifti_truncation` (its
    header against its size or gzip trailer: ~0.07 ms a file, nothing decompressed beyond the
    header). Each label is compared with its case's first image, and each further channel
    with the first, as nnU-Net's ``verify_dataset_integrity`` does: size exactly, spacing,
    origin and direction with ``np.allclose``'s tolerances. Two NIfTI headers whose geometry
    fields are byte-identical need no more; otherwise (and for other formats) SimpleITK reads
    both headers (~1.4 ms a file).

    Parameters
    ----------
    info
        An inspected dataset (:func:`inspect_dataset`); missing files are skipped (they have
        their own problem).

    Returns
    -------
    list of Problem
        At most one ``IMAGE_TRUNCATED`` (error), one ``GEOMETRY_MISMATCH`` (error: size or
        spacing; nnU-Net refuses the case) and one ``GEOMETRY_MISALIGNED`` (warning: origin or
        direction; nnU-Net only warns) per dataset; each describes its first file or case in
        full and counts the others.
    """
    truncated: list[tuple[str, Any]] = []
    mismatched: list[tuple[str, str]] = []
    misaligned: list[tuple[str, str]] = []
    for case, files in info.cases.items():
        images = [str(p) for p in files.get("images") or []]
        label = files.get("label")
        paths = images + ([str(label)] if label else [])
        keys: dict[str, bytes | None] = {}
        cut: set[str] = set()
        for path in paths:
            # Headers and cut-off checks once per file version (header_cache): the wizard runs
            # this after every invalidation.
            integrity = nifti_integrity(path) if is_nifti(path) else None
            if integrity is None and not os.path.isfile(path):
                cut.add(path)  # missing: DATASET_FILES_MISSING says so
                continue
            header = integrity.header if integrity is not None else None
            keys[path] = header.geometry_key if header is not None else None
            shortfall = integrity.truncation if integrity is not None else None
            if shortfall is not None:
                truncated.append((path, shortfall))
                cut.add(path)
        if not images or images[0] in cut:
            continue
        first = images[0]
        others = [(p, False) for p in images[1:]] + ([(str(label), True)] if label else [])
        for path, is_label in others:
            if path in cut or (keys.get(first) is not None and keys.get(first) == keys.get(path)):
                continue
            # SimpleITK (imported lazily) only for headers that differ, or non-NIfTI files.
            image_geometry = image_information(first)
            other_geometry = image_information(path)
            if image_geometry is None or other_geometry is None:
                continue  # unreadable: nnU-Net's own reading names it
            if max(len(image_geometry.size), len(other_geometry.size)) > 3:
                continue  # channels in a 4th axis: nnU-Net's reader drops it (not compared)
            difference = _first_difference(image_geometry, other_geometry, is_label)
            if difference is None:
                continue
            field_name, expected, found_value = difference
            detail: str
            if is_label:
                detail = text("{name}: case {case}: the label's {field} {found} differs from its "
                              "image's {expected} ({file}).", name=info.name, case=case,
                              field=_FIELD_TEXTS[field_name], found=found_value,
                              expected=expected, file=path)
            else:
                detail = text("{name}: case {case}: the {field} {found} of {file} differs from "
                              "the first channel's {expected} ({first}).", name=info.name,
                              case=case, field=_FIELD_TEXTS[field_name], found=found_value,
                              expected=expected, file=path, first=first)
            (mismatched if field_name in ("size", "spacing") else misaligned).append(
                (case, detail))
            break  # one difference names the case
    found: list[Problem] = []
    if truncated:
        path, cut_off = truncated[0]
        if cut_off.compressed:
            detail = text("{name}: {file} is cut off: its header needs {expected} bytes "
                          "uncompressed, but its gzip trailer records {found} (the end of the "
                          "file is missing).", name=info.name, file=path,
                          expected=cut_off.expected_bytes, found=cut_off.found_bytes)
        else:
            detail = text("{name}: {file} is cut off: its header needs {expected} bytes, but "
                          "the file has only {found}.", name=info.name, file=path,
                          expected=cut_off.expected_bytes, found=cut_off.found_bytes)
        if len(truncated) > 1:
            detail = text("{detail} In all {count} files of this dataset are cut off, "
                          "among them {examples}.", detail=detail, count=len(truncated),
                          examples=", ".join(Path(p).name
                                             for p, _ in truncated[1:1 + _MAX_EXAMPLES]))
        found.append(P.error(
            P.IMAGE_TRUNCATED, detail,
            text("Copy the file again from its source (an interrupted copy or download cuts it "
                 "off; SimpleITK would read the missing part as zeros and nnU-Net would train "
                 "on them), then check again.")))
    for code, cases, fix in (
            (P.GEOMETRY_MISMATCH, mismatched,
             text("Re-export the label (or channel) on its image's voxel grid, with the same "
                  "size and spacing: nnU-Net refuses this case.")),
            (P.GEOMETRY_MISALIGNED, misaligned,
             text("Check that the label lies on its image (nnU-Net's "
                  "nnUNetv2_plot_overlay_pngs shows it); if it does, give the label its "
                  "image's origin and direction."))):
        if not cases:
            continue
        detail = cases[0][1]
        if len(cases) > 1:
            detail = text("{detail} In all {count} cases of this dataset differ, among them "
                          "{examples}.",
                          detail=detail, count=len(cases),
                          examples=", ".join(c for c, _ in cases[1:1 + _MAX_EXAMPLES]))
        make = P.error if code == P.GEOMETRY_MISMATCH else P.warning
        found.append(make(code, detail, fix))
    return found
