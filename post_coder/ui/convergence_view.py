"""The Agreement window's Convergence tab: agreement across rounds, as a table and a chart.

Rows are :func:`post_coder.team.agreement_report.convergence`: per round, its latest stored
whole-round report (stored whenever a round's report is computed). The chart (matplotlib,
drawn into the window with its Qt backend) plots pooled and mean alpha per round, and one
chosen code's alpha, with the Agreement tab's two thresholds as dashed lines. A round
where a value is not defined leaves a gap. With no stored report yet the tab says how to
make one.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (QComboBox, QHBoxLayout, QLabel, QSplitter, QStackedWidget,
                               QVBoxLayout, QWidget)

from post_coder.team.agreement_report import convergence
from post_coder.ui.models import reads
from post_coder.ui.models.agreement_models import ConvergenceModel
from post_coder.ui.widgets.filter_bar import _fill
from post_coder.ui.widgets.tables import read_only_table

if TYPE_CHECKING:
    from post_coder.ui.agreement_window import AgreementTab
    from post_coder.ui.session import Session

EMPTY = ("No agreement report is stored yet. Compute one for a round on the Agreement tab "
         "(with every question, code and coder, not split): each round's latest report is a "
         "row here and a point on the chart.")
#: line label → the row's value
OVERALL = {"Pooled α": "pooled_alpha", "Mean α over codes": "mean_alpha"}


class ConvergenceView(QWidget):
    """See the module docstring."""

    def __init__(self, session: "Session", agreement: "AgreementTab",
                 parent: QWidget | None = None) -> None:
        super().__init__(parent)
        # matplotlib loads only when the window is first opened (it takes a moment)
        from matplotlib.backends.backend_qtagg import FigureCanvasQTAgg
        from matplotlib.figure import Figure

        self.session, self.agreement = session, agreement
        self.rows: list[dict[str, Any]] = []
        self.model = ConvergenceModel(self)
        self.table = read_only_table(self.model, "convergenceTable")
        self.code = QComboBox(objectName="convergenceCode",
                              toolTip="Also draw one code's alpha per round")
        self.code.currentIndexChanged.connect(lambda _=0: self.draw())
        self.figure = Figure(figsize=(6, 3), layout="constrained")
        self.canvas = FigureCanvasQTAgg(self.figure)
        self.canvas.setObjectName("convergenceChart")
        self.axes = self.figure.add_subplot()
        self.empty = QLabel(EMPTY, objectName="convergenceEmpty", wordWrap=True,
                            alignment=Qt.AlignmentFlag.AlignCenter)

        chart = QWidget()
        chart_layout = QVBoxLayout(chart)
        chart_layout.setContentsMargins(0, 0, 0, 0)
        row = QHBoxLayout()
        label = QLabel("Draw the &code:")
        label.setBuddy(self.code)
        row.addWidget(label)
        row.addWidget(self.code)
        row.addStretch(1)
        chart_layout.addLayout(row)
        chart_layout.addWidget(self.canvas, 1)
        split = QSplitter(Qt.Orientation.Vertical)
        split.addWidget(self.table)
        split.addWidget(chart)
        split.setStretchFactor(0, 1)
        split.setStretchFactor(1, 2)
        self.stack = QStackedWidget(objectName="convergenceStack")
        self.stack.addWidget(split)
        self.stack.addWidget(self.empty)
        layout = QVBoxLayout(self)
        layout.addWidget(self.stack)
        for spin in (agreement.low, agreement.high):
            spin.valueChanged.connect(lambda _=0.0: self.draw())
        self.reload()

    @property
    def is_empty(self) -> bool:
        return self.stack.currentIndex() == 1

    def reload(self) -> None:
        """Read the stored reports again (a handful of rows: one per round)."""
        self.rows = convergence(self.session.project)
        tree = {t.code.name: n for n, t in enumerate(reads.code_tree(self.session.project))}
        self.model.set_rows(self.rows, order=lambda name: tree.get(name, len(tree)))
        _fill(self.code, "(none)", [(c, c, "") for c in self.model.codes])
        self.stack.setCurrentIndex(0 if self.rows else 1)
        self.draw()

    def set_code(self, name: str | None) -> None:
        self.code.setCurrentIndex(max(self.code.findData(name), 0))

    def series(self) -> dict[str, list[float | None]]:
        """Line label → alpha per round (None: not defined), as drawn."""
        out = {label: [r[key] for r in self.rows] for label, key in OVERALL.items()}
        code = self.code.currentData()
        if code:
            out[f"α {code}"] = [r["codes"].get(code) for r in self.rows]
        return out

    def draw(self) -> None:
        ax = self.axes
        ax.clear()
        rounds = [r["round"] for r in self.rows]
        x = list(range(len(rounds)))
        for (label, values), style in zip(self.series().items(), ("o-", "s--", "^-")):
            ax.plot(x, [float("nan") if v is None else v for v in values], style, label=label,
                    gid="series")
        low, high = self.agreement.low.value(), self.agreement.high.value()
        ax.axhline(low, color="#c0392b", linestyle=":", linewidth=1, gid="threshold",
                   label=f"low below {low:.3f}")
        ax.axhline(high, color="#d68910", linestyle=":", linewidth=1, gid="threshold",
                   label=f"tentative below {high:.3f}")
        ax.set_xticks(x, rounds)
        ax.set_xlim(-0.5, max(len(rounds) - 0.5, 0.5))
        values = [v for vs in self.series().values() for v in vs if v is not None]
        ax.set_ylim(min([0.0, *values]) - 0.05, 1.05)
        ax.set_ylabel("Krippendorff's α")
        ax.set_xlabel("Round")
        ax.grid(True, axis="y", alpha=0.3)
        ax.legend(loc="best", fontsize="small")
        self.canvas.draw_idle()
