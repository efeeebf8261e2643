"""The picture that answers nnU-Net's most confusing question: which way does what flow?

Plans flow from the fine-tuning dataset to the pretraining dataset (``-s FINETUNE -t
PRETRAIN``, the transfer step); weights flow back (``-pretrained_weights``, the fine-tuning
step). Starting from a model someone else trained, both flow the same way: plans and weights
go from the model to the fine-tuning dataset. The step numbers come from the registry
(nnft.core.steps; the model chain is numbered on its own).
"""

from __future__ import annotations

from PySide6.QtCore import QPointF, QRectF, QSize, Qt
from PySide6.QtGui import QColor, QFont, QPainter, QPainterPath, QPen, QPolygonF
from PySide6.QtWidgets import QSizePolicy, QWidget

from nnft.core.steps import step_number

PLANS_COLOR = QColor("#1f6fb2")
WEIGHTS_COLOR = QColor("#c2571a")
WARNING_COLOR = QColor("#b3261e")


def _short_id(name: str) -> str:
    """``Dataset002_Heart`` → ``2`` (what nnU-Net's -d/-s/-t take)."""
    digits = name[7:10]
    return str(int(digits)) if digits.isdigit() else "?"


class DirectionDiagram(QWidget):
    """Two dataset boxes with the plans arrow on top and the weights arrow below."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("directionDiagram")
        self.finetune_name = ""
        self.pretrain_name = ""
        self.finetune_id = ""
        self.pretrain_id = ""
        self.pretrain_cases: int | None = None
        self.finetune_cases: int | None = None
        # Set when the fine-tuning starts from a trained model instead of a pretraining here.
        self.model_name: str | None = None
        self.model_detail = ""
        self.setMinimumHeight(190)
        self.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Fixed)

    def sizeHint(self) -> QSize:  # Qt override
        return QSize(640, 200)

    def set_datasets(self, pretrain_name: str | None, finetune_name: str | None,
                     pretrain_cases: int | None = None,
                     finetune_cases: int | None = None) -> None:
        """Show these datasets (None: not chosen yet) and their numbers of training cases."""
        self.pretrain_name = pretrain_name or ""
        self.finetune_name = finetune_name or ""
        self.pretrain_cases, self.finetune_cases = pretrain_cases, finetune_cases
        self.pretrain_id = _short_id(self.pretrain_name)
        self.finetune_id = _short_id(self.finetune_name)
        self.update()

    def set_model(self, model_name: str | None, detail: str = "") -> None:
        """Show a trained model as the source of plans and weights (``model_name``: what the
        user sees of it, ``detail`` the line under it), or None: the pretraining dataset."""
        self.model_name = model_name
        self.model_detail = detail
        self.update()

    @property
    def from_model(self) -> bool:
        """The fine-tuning starts from a trained model (both arrows point to the fine-tuning)."""
        return self.model_name is not None

    def plans_label(self) -> str:
        if self.from_model:
            return self.tr("plans  (step {n}: the model's plans → dataset {ft}, new "
                           "identifier)").format(
                n=step_number("transfer_model_plans", from_model=True), ft=self.finetune_id)
        return self.tr("plans  (step {n}: move_plans -s {ft} -t {pt})").format(
            n=step_number("transfer_plans"), ft=self.finetune_id, pt=self.pretrain_id)

    def weights_label(self) -> str:
        return self.tr("weights  (step {n}: nnUNetv2_train {ft} ... -pretrained_weights)").format(
            n=step_number("finetune", from_model=self.from_model), ft=self.finetune_id)

    def pretrain_smaller(self) -> bool:
        """The pretraining dataset has fewer cases than the fine-tuning one."""
        return (self.pretrain_cases is not None and self.finetune_cases is not None
                and self.pretrain_cases < self.finetune_cases)

    def finetune_hint(self) -> str:
        """The line under the fine-tuning box's name."""
        if self.finetune_cases is None:
            return self.tr("your target")
        return self.tr("your target · {0} cases").format(self.finetune_cases)

    def pretrain_hint(self) -> str:
        """The line under the pretraining box's name: its size as it is, never claimed."""
        if self.pretrain_cases is None:
            return self.tr("source of weights")
        if self.pretrain_smaller():
            return self.tr("only {0} cases: the smaller one").format(
                self.pretrain_cases)
        return self.tr("source of weights · {0} cases").format(self.pretrain_cases)

    def paintEvent(self, event) -> None:  # Qt override
        painter = QPainter(self)
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        w, h = self.width(), self.height()
        box_w, box_h = min(250.0, w * 0.36), 84.0
        top = (h - box_h) / 2
        left_box = QRectF(10, top, box_w, box_h)
        right_box = QRectF(w - 10 - box_w, top, box_w, box_h)
        self._draw_box(painter, left_box, self.tr("Fine-tuning dataset"),
                       self.finetune_name or self.tr("(choose)"), self.finetune_hint())
        if self.from_model:
            self._draw_box(painter, right_box, self.tr("Trained model"),
                           self.model_name or self.tr("(choose)"),
                           self.model_detail or self.tr("source of plans and weights"))
        else:
            self._draw_box(painter, right_box, self.tr("Pretraining dataset"),
                           self.pretrain_name or self.tr("(choose)"), self.pretrain_hint(),
                           warn=self.pretrain_smaller())
        # Plans: fine-tuning → pretraining (from a model: model → fine-tuning), above the
        # boxes' centre line.
        y_plans = top + box_h * 0.3
        plans_from, plans_to = QPointF(left_box.right(), y_plans), QPointF(right_box.left(),
                                                                           y_plans)
        if self.from_model:
            plans_from, plans_to = plans_to, plans_from
        self._draw_arrow(painter, plans_from, plans_to, PLANS_COLOR, self.plans_label(),
                         above=True)
        y_weights = top + box_h * 0.7
        self._draw_arrow(painter, QPointF(right_box.left(), y_weights),
                         QPointF(left_box.right(), y_weights), WEIGHTS_COLOR,
                         self.weights_label(), above=False)
        painter.end()

    def _draw_box(self, painter: QPainter, rect: QRectF, role: str, name: str, hint: str,
                  warn: bool = False) -> None:
        painter.setPen(QPen(QColor("#555"), 1.5))
        painter.setBrush(QColor("#f7f7f7"))
        painter.drawRoundedRect(rect, 8, 8)
        font = QFont(self.font())
        font.setBold(True)
        painter.setFont(font)
        painter.setPen(QColor("#222"))
        painter.drawText(rect.adjusted(8, 6, -8, -rect.height() * 0.62),
                         Qt.AlignmentFlag.AlignCenter, role)
        painter.setFont(self.font())
        painter.drawText(rect.adjusted(8, rect.height() * 0.36, -8, -rect.height() * 0.3),
                         Qt.AlignmentFlag.AlignCenter, name)
        painter.setPen(WARNING_COLOR if warn else QColor("#777"))
        painter.drawText(rect.adjusted(8, rect.height() * 0.66, -8, -4),
                         Qt.AlignmentFlag.AlignCenter, hint)

    def _draw_arrow(self, painter: QPainter, start: QPointF, end: QPointF, color: QColor,
                    label: str, above: bool) -> None:
        gap = 6.0
        direction = 1 if end.x() > start.x() else -1
        start = QPointF(start.x() + gap * direction, start.y())
        end = QPointF(end.x() - gap * direction, end.y())
        painter.setPen(QPen(color, 3))
        path = QPainterPath(start)
        path.lineTo(end)
        painter.setBrush(Qt.BrushStyle.NoBrush)
        painter.drawPath(path)
        head = 11.0
        tip = end
        painter.setBrush(color)
        painter.drawPolygon(QPolygonF([
            tip, QPointF(tip.x() - head * direction, tip.y() - head * 0.6),
            QPointF(tip.x() - head * direction, tip.y() + head * 0.6)]))
        painter.setPen(color)
        text_rect = QRectF(min(start.x(), end.x()), start.y() - (46 if above else -6),
                           abs(end.x() - start.x()), 40)
        painter.drawText(text_rect, Qt.AlignmentFlag.AlignHCenter
                         | (Qt.AlignmentFlag.AlignBottom if above else Qt.AlignmentFlag.AlignTop)
                         | Qt.TextFlag.TextWordWrap, label)
