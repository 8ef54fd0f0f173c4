"""The study's storage: its default place, opening it from several processes at once, and
one-line errors for a URL that cannot be opened."""

from __future__ import annotations

import threading

import optuna
import pytest

from actlab.tune import TuneError, default_storage
from actlab.tune.study import open_storage


def test_the_default_storage_is_beside_the_store(tmp_path):
    assert default_storage(tmp_path / "results.db") == f"sqlite:///{tmp_path}/results.optuna.db"


@pytest.mark.parametrize("round_", range(3))
def test_workers_that_open_a_new_storage_at_once_all_get_it(tmp_path, round_):
    # Each creates the tables; before the retry, most rounds lost one with "already exists".
    url = f"sqlite:///{tmp_path / 'new.optuna.db'}"
    start = threading.Barrier(4)
    errors: list[Exception] = []

    def open_it() -> None:
        start.wait()
        try:
            open_storage(url)
        except Exception as error:
            errors.append(error)

    workers = [threading.Thread(target=open_it) for _ in range(4)]
    for worker in workers:
        worker.start()
    for worker in workers:
        worker.join()
    assert errors == []
    optuna.create_study(storage=url, study_name="reachable")


def test_a_url_that_cannot_be_opened_is_one_clear_error():
    with pytest.raises(TuneError, match=r"cannot open the Optuna storage 'nosuch://x': "):
        open_storage("nosuch://x")
