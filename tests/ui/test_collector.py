"""Cyclic garbage is collected on the UI thread only (a worker collecting a cycle that
holds a widget makes Qt abort the process)."""

from __future__ import annotations

import gc
import threading
import weakref

from PySide6.QtCore import QObject

from post_coder.coding.coders import list_coders
from post_coder.project import Project
from post_coder.team.merge import merge
from post_coder.team.package import export_package, export_work
from post_coder.ui import collector
from post_coder.ui.app import application


class _Cycle:
    def __init__(self) -> None:
        self.me = self
        self.widget = QObject()


def test_a_worker_never_collects_and_the_ui_thread_does(qapp, collect_on_the_ui_thread):
    assert application() is qapp and collector.install(qapp) is collect_on_the_ui_thread
    assert not gc.isenabled()
    cycle = _Cycle()
    gone = weakref.ref(cycle)
    del cycle

    def churn() -> None:  # far more allocations than would trigger a collection
        for _ in range(20):
            _ = [[] for _ in range(gc.get_threshold()[0] * 3)]

    worker = threading.Thread(target=churn)
    worker.start()
    worker.join()
    assert gone() is not None  # the worker thread did not collect it
    collect_on_the_ui_thread.thresholds = (-1, -1, -1)  # everything is due: a full collection
    try:
        assert collect_on_the_ui_thread.collect_due() == 2
    finally:
        collect_on_the_ui_thread.thresholds = gc.get_threshold()
    assert gone() is None


def test_nothing_is_collected_before_it_is_due(collect_on_the_ui_thread):
    gc.collect()
    collect_on_the_ui_thread.thresholds = (10**9, 10**9, 10**9)
    try:
        assert collect_on_the_ui_thread.collect_due() is None
    finally:
        collect_on_the_ui_thread.thresholds = gc.get_threshold()


def test_a_merge_leaves_automatic_collection_off(demo_project, tmp_path,
                                                 collect_on_the_ui_thread):
    coder = list_coders(demo_project)[0]
    package = export_package(demo_project, coder.id, tmp_path / "pkg").path
    with Project.open(package) as p:
        work = export_work(p, tmp_path / "work").path
    merge(demo_project, work)
    assert not gc.isenabled()
