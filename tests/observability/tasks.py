"""Two background jobs for the metrics tests: one that succeeds, one that fails."""

from django.tasks import task


@task
def succeeds() -> str:
    return "done"


@task
def fails() -> None:
    raise RuntimeError("this job fails on purpose")
