"""The shared checks on user input: numbers, intervals and the closest-name suggestion."""

from __future__ import annotations

import math

import numpy as np
import pytest

from actlab.checks import closest, did_you_mean, in_interval, interval_text, is_integer, is_real


@pytest.mark.parametrize("value", [0, -3, 2**40, np.int64(5), np.uint8(1)])
def test_integers(value):
    assert is_integer(value) and is_real(value)


@pytest.mark.parametrize("value", [True, False, 1.0, "1", None, [1]])
def test_not_integers(value):
    assert not is_integer(value)


@pytest.mark.parametrize("value", [0.5, -1e300, math.inf, math.nan, np.float32(2.5), 3])
def test_reals(value):
    assert is_real(value)


@pytest.mark.parametrize("value", [True, "0.5", None, 1j])
def test_not_reals(value):
    assert not is_real(value)


@pytest.mark.parametrize(
    ("bounds", "text"),
    [
        ((), "(-inf, inf)"),
        ((0, 1), "[0, 1]"),
        ((0, 1, True, False), "(0, 1]"),
        ((0, 1, False, True), "[0, 1)"),
        ((1, math.inf), "[1, inf)"),
        ((0.5, 2.25), "[0.5, 2.25]"),
    ],
)
def test_interval_text(bounds, text):
    assert interval_text(*bounds) == text


def test_in_interval_honours_open_ends_and_refuses_non_finite():
    assert in_interval(0.0, 0, 1) and in_interval(1.0, 0, 1)
    assert not in_interval(0.0, 0, 1, low_open=True)
    assert not in_interval(1.0, 0, 1, high_open=True)
    assert not in_interval(1.5, 0, 1) and not in_interval(-0.5, 0, 1)
    assert not in_interval(math.inf) and not in_interval(math.nan)


def test_closest_names_best_first():
    known = ["relu", "relu6", "elu", "tanh"]
    assert closest("rleu", known)[0] == "relu"
    assert closest("sigmoid", known) == []
    assert len(closest("relu", known, n=1)) == 1


def test_did_you_mean_quotes_the_close_names_or_says_nothing():
    assert did_you_mean("mnsit", ["mnist", "cifar10"]) == " Did you mean 'mnist'?"
    assert did_you_mean("cifar", ["cifar10", "cifar100"]) == (
        " Did you mean 'cifar10' or 'cifar100'?"
    )
    assert did_you_mean("imagenet", ["mnist", "cifar10"]) == ""
