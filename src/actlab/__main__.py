"""`python -m actlab`: the `actlab` command."""

from actlab.cli import main

main()
