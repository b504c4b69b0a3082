"""The corpus is legacy code to scan, not tests: pytest must not import it."""

collect_ignore_glob = ["*.py"]
