"""The articles' experiments as written, with the numbers the articles report."""

from __future__ import annotations

from dataclasses import dataclass, field


@dataclass(frozen=True)
class Study:
    """One article's experiment: task, activations, and what the article reported."""

    name: str
    article: str
    task: str
    activations: tuple[str, ...]
    baseline: str
    reported: dict[str, float] = field(default_factory=dict)
    reported_metric: str = "test_accuracy"
    note: str = ""
    mnist_task: bool = False  # the task has a Fashion-MNIST twin (`--dataset fashion_mnist`)

    def task_for(self, dataset: str | None) -> str:
        """The task name, switched to another dataset's twin (mnist -> fashion_mnist)."""
        if dataset in (None, "mnist"):
            return self.task
        if not self.mnist_task or dataset != "fashion_mnist":
            raise ValueError(
                f"study {self.name!r} runs on {self.task!r}; --dataset can only switch MNIST "
                "studies to fashion_mnist"
            )
        return "fashion_" + self.task

    def comparison_name(self, task: str, epochs: int | None = None) -> str:
        """The comparison `reproduce` stores its runs in, e.g. ``relu-mnist-mlp@mnist_mlp``:
        its own, so it never reuses or re-baselines the runs of an `actlab compare`."""
        return f"{self.name}@{task}" + ("" if epochs is None else f"[epochs={epochs}]")

    def article_dataset(self) -> str:
        """The dataset the article's numbers were measured on."""
        from actlab import tasks

        return tasks.get(self.task).dataset


STUDIES = {
    s.name: s
    for s in (
        Study(
            "relu-mnist-mlp",
            "002 (ReLU活性化関数)",
            "mnist_mlp",
            ("relu", "sigmoid"),
            "sigmoid",
            reported={"relu": 4, "sigmoid": 8},
            reported_metric="mistakes_in_first_96",
            note="The article counts mistakes among the first 96 test images (ReLU 4, sigmoid "
            "8) and reports no accuracy.",
            mnist_task=True,
        ),
        Study(
            "frelu-mnist",
            "000 (KerasでのFReLU活性化関数)",
            "mnist_frelu_cnn",
            ("frelu", "relu"),
            "relu",
            reported={"frelu": 0.9896},
            note="One run; the article trains only FReLU (test accuracy 0.9896). ReLU is added "
            "as the baseline.",
            mnist_task=True,
        ),
        Study(
            "tanhexp-cifar10",
            "001 (TanhExp活性化関数)",
            "cifar10_small_cnn",
            ("relu", "tanhexp"),
            "relu",
            reported={"tanhexp": 0.6849, "relu": 0.6913},
            note="One run each, 50 epochs.",
        ),
        Study(
            "activation-timing",
            "003 (Kerasでアクティベーションのパラメータチューニング)",
            "mnist_mlp",
            ("relu", "linear", "sigmoid", "hard_sigmoid", "tanh", "softsign"),
            "relu",
            note="The article compares accuracy and time per activation; its numbers "
            "are not in the article's text, so only ours are shown.",
            mnist_task=True,
        ),
        Study(
            "relu-variants-cifar10",
            "004 (reluの特徴を探る)",
            "cifar10_cnn",
            ("relu", "softplus_linear", "reflection_linear", "zero_fit_linear"),
            "relu",
            reported={"softplus_linear": 0.70, "reflection_linear": 0.70},
            reported_metric="val_accuracy_plateau",
            note="The article reads val_accuracy plateaus of about 0.7 off its curves for "
            "softplus_linear and reflection_linear, below ReLU; zero_fit_linear lower still.",
        ),
    )
}


def get(name: str) -> Study:
    try:
        return STUDIES[name]
    except KeyError:
        raise ValueError(f"unknown study {name!r}; one of: {', '.join(sorted(STUDIES))}") from None
