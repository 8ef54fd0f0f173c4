"""`python -m actlab.cli`: the `actlab` command."""

from actlab.cli import main

main()
