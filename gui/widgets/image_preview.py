"""One dataset's first case: an axial slice, its label overlay and one training patch to scale.

Reading and windowing live in :mod:`nnft.core.preview`; this widget only paints. The case is
read from disk in a worker thread (:class:`~nnft.gui.background.BackgroundTasks`): the canvas
says "Loading…" until it is there, and a newer case supersedes one still being read. Moving the
slice slider draws from the volume in memory.
"""

from __future__ import annotations

import html
from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING

from PySide6.QtCore import QRectF, QSize, Qt
from PySide6.QtGui import QColor, QFont, QImage, QPainter, QPen
from PySide6.QtWidgets import (
    QCheckBox,
    QHBoxLayout,
    QLabel,
    QSizePolicy,
    QSlider,
    QVBoxLayout,
    QWidget,
)

from nnft.core.preview import (
    PatchFootprint,
    PreviewVolume,
    best_slice,
    display_window,
    format_value,
    load_preview_volume,
    patch_in_pixels,
    to_uint8,
)
from nnft.gui.background import BackgroundTasks, TaskHandle, report_unhandled

if TYPE_CHECKING:  # numpy is imported where slices are drawn: ~0.2 s off the wizard's start
    import numpy as np

#: The background task that reads a case (a newer one supersedes it).
VOLUME_TASK = "volume"

#: Label colours (RGBA) for labels 1, 2, ...; translucent so the anatomy stays visible.
LABEL_COLORS = (
    (0, 0, 0, 0),
    (230, 60, 60, 110),
    (60, 140, 240, 120),
    (60, 200, 90, 120),
    (240, 190, 40, 120),
    (180, 80, 220, 120),
    (40, 200, 200, 120),
)
PATCH_COLOR = QColor("#ffd400")


def _color_index(values: np.ndarray | int) -> np.ndarray:
    """Row of :data:`LABEL_COLORS` for label values (0: transparent; the colours repeat)."""
    import numpy as np

    values = np.asarray(values)
    return np.where(values > 0, (values - 1) % (len(LABEL_COLORS) - 1) + 1, 0).astype(np.intp)


def label_overlay(label_slice: np.ndarray, opacity: float | None = None) -> np.ndarray:
    """RGBA (rows, cols, 4) colours for a label slice; background transparent.

    ``opacity`` (0–1) replaces the colours' own alpha for every labelled pixel (the opacity
    slider of the "use the model" page)."""
    import numpy as np

    rgba = np.array(LABEL_COLORS, dtype=np.uint8)[_color_index(label_slice)]
    if opacity is not None:
        rgba[..., 3] = np.where(label_slice > 0, round(255 * min(max(opacity, 0.0), 1.0)), 0)
    return np.ascontiguousarray(rgba)


def label_color(value: int) -> QColor:
    """The overlay colour of label ``value``, opaque (for legends)."""
    r, g, b, _a = (int(c) for c in LABEL_COLORS[int(_color_index(value))])
    return QColor(r, g, b)


class SliceCanvas(QWidget):
    """Paints a grey slice at its physical aspect ratio, the label overlay and the patch."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.grey: QImage | None = None
        self.overlay: QImage | None = None
        self.pixel_aspect = 1.0  # row spacing / column spacing
        self.patch: QRectF | None = None  # in image pixels (x = column, y = row)
        self.message = ""
        self.setMinimumSize(160, 160)
        self.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Expanding)

    def sizeHint(self) -> QSize:  # Qt override
        return QSize(280, 280)

    def image_rect(self) -> QRectF:
        """Where the slice is drawn in widget coordinates (centred, aspect kept)."""
        if self.grey is None:
            return QRectF()
        width_mm = float(self.grey.width())
        height_mm = float(self.grey.height()) * self.pixel_aspect
        margin = 6.0
        scale = min((self.width() - 2 * margin) / width_mm,
                    (self.height() - 2 * margin) / height_mm)
        w, h = width_mm * scale, height_mm * scale
        return QRectF((self.width() - w) / 2, (self.height() - h) / 2, w, h)

    def paintEvent(self, event) -> None:  # Qt override
        painter = QPainter(self)
        painter.fillRect(self.rect(), QColor("#1e1e1e"))
        if self.grey is None:
            painter.setPen(QColor("#dddddd"))
            painter.drawText(self.rect().adjusted(12, 12, -12, -12),
                             Qt.AlignmentFlag.AlignCenter | Qt.TextFlag.TextWordWrap,
                             self.message)
            return
        target = self.image_rect()
        painter.drawImage(target, self.grey)
        if self.overlay is not None:
            painter.drawImage(target, self.overlay)
        if self.patch is not None:
            sx = target.width() / self.grey.width()
            sy = target.height() / self.grey.height()
            rect = QRectF(target.left() + self.patch.left() * sx,
                          target.top() + self.patch.top() * sy,
                          self.patch.width() * sx, self.patch.height() * sy)
            painter.setRenderHint(QPainter.RenderHint.Antialiasing)
            pen = QPen(PATCH_COLOR, 2, Qt.PenStyle.DashLine)
            painter.setPen(pen)
            painter.drawRect(rect)
            font = QFont(self.font())
            font.setBold(True)
            painter.setFont(font)
            text = self.tr("patch")
            metrics = painter.fontMetrics()
            box = QRectF(rect.left() + 3, rect.top() + 3, metrics.horizontalAdvance(text) + 6,
                         metrics.height() + 2)
            painter.fillRect(box, QColor(0, 0, 0, 150))
            painter.drawText(box, Qt.AlignmentFlag.AlignCenter, text)


class ImagePreview(QWidget):
    """Title, slice canvas, slice slider and a caption with the patch size in pixels.

    ``name`` becomes the objectName (``"pretrainPreview"``); the children are named
    ``<name>Title``, ``<name>Canvas``, ``<name>Slider``, ``<name>SliceLabel``,
    ``<name>Overlay`` and ``<name>Caption``. With ``overlay_controls`` there are also
    ``<name>Opacity`` (the overlay's opacity in %) and ``<name>Legend`` (each label's colour
    and name, see :meth:`set_label_names`).
    """

    def __init__(self, name: str = "imagePreview", parent: QWidget | None = None, *,
                 overlay_controls: bool = False, patch_caption: bool = True) -> None:
        super().__init__(parent)
        #: The caption speaks of nnU-Net's patch (the dataset previews), else only the spacing.
        self.patch_caption = patch_caption
        self.setObjectName(name)
        self.setProperty("role", "imagePreview")
        self.volume: PreviewVolume | None = None
        self.footprint: PatchFootprint | None = None
        self.window = (0.0, 1.0)
        self.note = ""  # appended to the caption (e.g. where the patch size came from)
        self.background = BackgroundTasks(self, max_workers=1, name=f"nnft-{name}")
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(4)
        self.title = QLabel()
        self.title.setObjectName(f"{name}Title")
        self.title.setWordWrap(True)
        self.title.setTextFormat(Qt.TextFormat.RichText)
        layout.addWidget(self.title)
        self.canvas = SliceCanvas()
        self.canvas.setObjectName(f"{name}Canvas")
        layout.addWidget(self.canvas, 1)
        row = QHBoxLayout()
        self.slider = QSlider(Qt.Orientation.Horizontal)
        self.slider.setObjectName(f"{name}Slider")
        self.slider.setEnabled(False)
        self.slider.valueChanged.connect(self._on_slice_changed)
        self.slice_label = QLabel()
        self.slice_label.setObjectName(f"{name}SliceLabel")
        self.slice_label.setMinimumWidth(90)
        self.overlay_check = QCheckBox(self.tr("Labels"))
        self.overlay_check.setObjectName(f"{name}Overlay")
        self.overlay_check.setChecked(True)
        self.overlay_check.toggled.connect(self._render)
        row.addWidget(self.slider, 1)
        row.addWidget(self.slice_label)
        row.addWidget(self.overlay_check)
        layout.addLayout(row)
        #: The overlay's opacity (0–1); None: the colours' own (translucent) alpha.
        self.opacity: float | None = None
        self.label_names: dict[int, str] = {}
        self.opacity_slider: QSlider | None = None
        self.legend: QLabel | None = None
        if overlay_controls:
            self.opacity = 0.5
            controls = QHBoxLayout()
            self.legend = QLabel()
            self.legend.setObjectName(f"{name}Legend")
            self.legend.setTextFormat(Qt.TextFormat.RichText)
            self.legend.setWordWrap(True)
            controls.addWidget(self.legend, 1)
            opacity_label = QLabel(self.tr("Opacity"))
            controls.addWidget(opacity_label)
            self.opacity_slider = QSlider(Qt.Orientation.Horizontal)
            self.opacity_slider.setObjectName(f"{name}Opacity")
            self.opacity_slider.setRange(0, 100)
            self.opacity_slider.setValue(50)
            self.opacity_slider.setMaximumWidth(160)
            self.opacity_slider.setToolTip(self.tr("How opaque the label overlay is"))
            self.opacity_slider.valueChanged.connect(self._on_opacity_changed)
            opacity_label.setBuddy(self.opacity_slider)
            controls.addWidget(self.opacity_slider)
            layout.addLayout(controls)
        self.caption = QLabel()
        self.caption.setObjectName(f"{name}Caption")
        self.caption.setWordWrap(True)
        self.caption.setStyleSheet("color: #444")
        layout.addWidget(self.caption)
        self.show_message(self.tr("No image loaded."))

    # -- loading ----------
    def show_message(self, text: str, title: str = "") -> None:
        """Show ``text`` instead of an image (no dataset, unreadable file ...)."""
        self._forget_pending_load()
        self._show_text(text, title)

    def _forget_pending_load(self) -> None:
        pending = self.background.running(VOLUME_TASK)
        if pending is not None:
            pending.cancel()

    def is_loading(self) -> bool:
        """True while a case is being read."""
        return self.background.is_busy(VOLUME_TASK)

    def _show_text(self, text: str, title: str) -> None:
        self.volume = None
        self.footprint = None
        self.canvas.grey = self.canvas.overlay = None
        self.canvas.patch = None
        self.canvas.message = text
        self.title.setText(title)
        self.slider.setEnabled(False)
        self.slice_label.clear()
        self.caption.clear()
        self.canvas.update()

    def load(self, title: str, image_path: Path, label_path: Path | None,
             patch_size: Sequence[int] | None = None,
             target_spacing: Sequence[float] | None = None,
             transpose_forward: Sequence[int] = (0, 1, 2), note: str = "") -> TaskHandle:
        """Read a case in a worker thread and show it when it is there ("Loading…" until then;
        a message in the canvas when it cannot be read). Returns the reading task."""

        def show(volume: PreviewVolume) -> None:
            self.note = note
            self.set_volume(volume, title, patch_size, target_spacing, transpose_forward)

        def failed(error: BaseException, details: str) -> None:
            if not isinstance(error, (OSError, RuntimeError, ValueError)):
                report_unhandled(error)  # not a bad file: a bug, reported
                return
            # SimpleITK raises RuntimeError for a file it cannot read.
            lines = [line for line in str(error).strip().splitlines() if line.strip()]
            detail = lines[-1] if lines else type(error).__name__
            self._show_text(self.tr("Could not read {path}:\n{error}").format(
                path=Path(image_path).name, error=detail), title)

        self._show_text(self.tr("Loading…"), title)
        return self.background.submit(load_preview_volume, image_path, label_path,
                                      on_done=show, on_error=failed, key=VOLUME_TASK)

    def set_volume(self, volume: PreviewVolume, title: str = "",
                   patch_size: Sequence[int] | None = None,
                   target_spacing: Sequence[float] | None = None,
                   transpose_forward: Sequence[int] = (0, 1, 2)) -> None:
        """Show ``volume`` (already read); a case still being read is forgotten."""
        self._forget_pending_load()
        self.volume = volume
        self.window = display_window(volume.image)
        self.title.setText(title)
        self.footprint = None
        if patch_size and target_spacing:
            try:
                self.footprint = patch_in_pixels(patch_size, target_spacing, volume.spacing,
                                                 transpose_forward)
            except ValueError:
                self.footprint = None
        depth = volume.image.shape[0]
        self.slider.blockSignals(True)
        self.slider.setRange(0, depth - 1)
        self.slider.setValue(best_slice(volume.label, depth))
        self.slider.blockSignals(False)
        self.slider.setEnabled(depth > 1)
        self.caption.setText(self.caption_text())
        self._render()

    # -- overlay controls ----------
    def set_label_names(self, names: dict[int, str]) -> None:
        """Name the labels (value → name, background left out) in the legend, each in its
        overlay colour."""
        self.label_names = {int(v): str(n) for v, n in names.items() if int(v) > 0}
        if self.legend is None:
            return
        parts = []
        for value, label in sorted(self.label_names.items()):
            color = label_color(value).name()
            parts.append(f"<span style='background:{color}'>&nbsp;&nbsp;&nbsp;&nbsp;</span>"
                         f"&nbsp;{html.escape(label)} ({value})")
        self.legend.setText("&nbsp;&nbsp;&nbsp;".join(parts))

    def set_opacity(self, opacity: float) -> None:
        """The overlay's opacity, 0 (invisible) to 1 (opaque)."""
        if self.opacity_slider is not None:
            self.opacity_slider.setValue(round(100 * opacity))  # draws via valueChanged
        else:
            self.opacity = opacity
            self._render()

    def _on_opacity_changed(self, value: int) -> None:
        self.opacity = value / 100.0
        self._render()

    # -- texts ----------
    def caption_text(self) -> str:
        if self.volume is None:
            return ""
        image_spacing = format_value(_compact(self.volume.spacing[1::-1]))
        if not self.patch_caption:
            text = self.tr("Image spacing {s} mm.").format(s=image_spacing)
            return f"{text} {self.note}" if self.note else text
        if self.footprint is None:
            return self.tr("No patch size known (plans missing). Image spacing {s} mm.").format(
                s=image_spacing)
        fp = self.footprint
        values = {"patch": format_value(list(fp.patch_size)),
                  "spacing": format_value(_compact(fp.target_spacing)),
                  "rows": fp.rows_px, "cols": fp.cols_px}
        if fp.slices is None:
            text = self.tr("patch {patch} at {spacing} mm → {rows} × {cols} px here").format(
                **values)
        else:
            text = self.tr("patch {patch} at {spacing} mm → {rows} × {cols} px × {n} slices "
                           "here").format(n=int(round(fp.slices)), **values)
        text += self.tr(" (image spacing {s} mm)").format(s=image_spacing)
        rows, cols = self.volume.image.shape[1:]
        if fp.rows > rows or fp.cols > cols:
            text += self.tr(". The patch is larger than this image: nnU-Net pads it.")
        return f"{text} {self.note}" if self.note else text

    # -- drawing ----------
    @property
    def current_slice(self) -> int:
        return self.slider.value()

    def patch_rect(self) -> QRectF | None:
        """The patch rectangle in image pixels (x = column, y = row), centred on the slice."""
        if self.volume is None or self.footprint is None:
            return None
        rows, cols = self.volume.image.shape[1:]
        w, h = self.footprint.cols, self.footprint.rows
        return QRectF((cols - w) / 2, (rows - h) / 2, w, h)

    def _on_slice_changed(self, _value: int) -> None:
        self._render()

    def _render(self) -> None:
        volume = self.volume
        if volume is None:
            return
        z = min(max(self.slider.value(), 0), volume.image.shape[0] - 1)
        grey = to_uint8(volume.image[z], self.window)
        rows, cols = grey.shape
        self.canvas.grey = QImage(grey.data, cols, rows, cols,
                                  QImage.Format.Format_Grayscale8).copy()
        self.canvas.overlay = None
        if volume.label is not None and self.overlay_check.isChecked():
            rgba = label_overlay(volume.label[z], self.opacity)
            self.canvas.overlay = QImage(rgba.data, cols, rows, cols * 4,
                                         QImage.Format.Format_RGBA8888).copy()
        sx, sy = volume.spacing[0], volume.spacing[1]
        self.canvas.pixel_aspect = sy / sx if sx > 0 else 1.0
        self.canvas.patch = self.patch_rect()
        self.slice_label.setText(self.tr("slice {z} / {n}").format(
            z=z + 1, n=volume.image.shape[0]))
        self.canvas.update()


def _compact(values: Sequence[float]) -> list[float] | float:
    """One number when all are equal (``0.8``), else the list (``2 × 0.8 × 0.8``)."""
    values = [float(v) for v in values]
    return values[0] if values and all(abs(v - values[0]) < 1e-6 for v in values) else values
