"""Search spaces: default intervals from the catalog's ranges, --param overrides and their
errors, and parameters conditional on the chosen activation."""

from __future__ import annotations

import math

import optuna
import pytest

from actlab import activations
from actlab.tune import Interval, TuneError, build_space, default_interval
from actlab.tune.space import RangeOverride


def _interval(name: str, param: str) -> Interval:
    return default_interval(activations.spec(name).param(param))


@pytest.mark.parametrize(
    ("name", "param", "expected"),
    [
        # (0, 1]: the open 0 moves a tenth of the way to the default 0.01; 1 is kept.
        ("leaky_relu", "negative_slope", Interval(0.001, 1.0, log=True)),
        # (0, inf), default 1: default ×/÷ 10 on a log scale.
        ("elu", "alpha", Interval(0.1, 10.0, log=True)),
        # [0, inf): a closed 0 is kept, so the scale stays linear.
        ("thresholded_relu", "theta", Interval(0.0, 10.0)),
        # (-inf, 0], default -0.2: default - max(1, |default|) below, 0 kept above.
        ("flatten_t_swish", "t", Interval(-1.2, 0.0)),
        # [1, inf) integer, default 2: whole bounds.
        ("maxout", "pieces", Interval(1, 20, log=True, integer=True)),
    ],
)
def test_default_intervals_follow_the_declared_ranges(name, param, expected):
    got = _interval(name, param)
    assert (got.log, got.integer) == (expected.log, expected.integer)
    assert got.low == pytest.approx(expected.low) and got.high == pytest.approx(expected.high)


@pytest.mark.parametrize("name", activations.names())
def test_every_default_interval_is_finite_and_inside_the_declared_range(name):
    entry = activations.spec(name)
    for param in entry.params:
        interval = default_interval(param)
        assert math.isfinite(interval.low) and math.isfinite(interval.high)
        assert interval.low < interval.high
        for bound in (interval.low, interval.high):
            param.validate(bound, name)  # raises if outside


def test_a_param_override_replaces_the_interval():
    space = build_space(["leaky_relu"], ["negative_slope=0.01:0.3:log"])
    assert space.intervals["leaky_relu"]["negative_slope"] == Interval(0.01, 0.3, log=True)
    assert space.describe() == ["negative_slope: 0.01:0.3:log"]


@pytest.mark.parametrize(
    ("ranges", "message"),
    [
        (["negative_slope=0:0.5"], "0 is outside the allowed range (0, 1]"),
        (["negative_slope=0.1:2"], "2 is outside the allowed range (0, 1]"),
        (["negative_slope=0.5:0.1"], "low must be below high"),
        (["negative_slope=0.1"], "write it as name=low:high"),
        (["negative_slope=a:b"], "low and high must be numbers"),
        (["negative_slope=0.1:0.5:cubic"], "write it as name=low:high"),
        (["alpha=0.1:2"], "unknown parameter 'alpha' of leaky_relu (parameters: negative_slope)"),
        (["negative_slope=0.1:0.5", "negative_slope=0.2:0.3"], "'negative_slope' is given twice"),
    ],
)
def test_bad_ranges_name_what_is_wrong(ranges, message):
    with pytest.raises(TuneError) as error:
        build_space(["leaky_relu"], ranges)
    assert message in str(error.value)


def test_log_scale_and_integer_bounds_are_checked():
    with pytest.raises(TuneError, match="a log scale needs low > 0"):
        build_space(["hard_shrink"], ["lambd=0:1:log"])
    with pytest.raises(TuneError, match="is an integer; give whole bounds"):
        build_space(["maxout"], ["pieces=1.5:4"])


def test_activation_names_are_checked():
    with pytest.raises(TuneError, match="no_such_activation"):
        build_space(["no_such_activation"])
    with pytest.raises(TuneError, match="chosen twice"):
        build_space(["relu", "relu"])
    with pytest.raises(TuneError, match="give the activation's name alone"):
        build_space(["elu:alpha=0.5"])
    with pytest.raises(TuneError, match="give an activation"):
        build_space([])


def test_with_a_choice_an_override_applies_to_the_activations_that_have_the_parameter():
    space = build_space(["elu", "celu", "relu"], ["alpha=0.5:2"])
    assert space.intervals["elu"]["alpha"] == Interval(0.5, 2.0)
    assert space.intervals["celu"]["alpha"] == Interval(0.5, 2.0)
    assert space.intervals["relu"] == {}
    qualified = build_space(["elu", "celu"], ["celu.alpha=0.2:0.4"])
    assert qualified.intervals["celu"]["alpha"] == Interval(0.2, 0.4)
    assert qualified.intervals["elu"]["alpha"] == Interval(0.1, 10.0, log=True)
    with pytest.raises(TuneError, match="'gelu' is not among the tuned activations"):
        build_space(["elu", "celu"], ["gelu.alpha=0.2:0.4"])
    with pytest.raises(TuneError, match="unknown parameter 'beta' of elu, relu"):
        build_space(["elu", "relu"], ["beta=0.2:0.4"])


def test_a_choice_samples_only_the_chosen_activations_parameters():
    space = build_space(["relu", "elu", "leaky_relu"], tune_learning_rate=True,
                        task_learning_rate=1e-2)  # fmt: skip
    study = optuna.create_study(sampler=optuna.samplers.RandomSampler(seed=0))
    seen = set()
    for _ in range(30):
        trial = study.ask()
        candidate, rate = space.suggest(trial)
        seen.add(candidate.name)
        expected = {"activation", "learning_rate"} | {
            f"{candidate.name}.{p}" for p in space.intervals[candidate.name]
        }
        assert set(trial.params) == expected
        assert set(candidate.params) == set(space.intervals[candidate.name])
        assert 1e-3 <= rate <= 1e-1
        study.tell(trial, 0.0)
    assert seen == {"relu", "elu", "leaky_relu"}


def test_fixed_params_give_back_the_same_candidate():
    space = build_space(["elu", "relu"])
    fixed = optuna.trial.FixedTrial({"activation": "elu", "elu.alpha": 0.5})
    candidate, rate = space.suggest(fixed)
    assert (candidate.label, rate) == ("elu(alpha=0.5)", None)


def test_a_range_override_is_parsed_with_an_optional_activation():
    override = RangeOverride.parse("elu.alpha=0.1:2:log")
    assert (override.activation, override.name, override.low, override.high, override.log) == (
        "elu", "alpha", 0.1, 2.0, True,
    )  # fmt: skip
