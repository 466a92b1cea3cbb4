"""Marks shared by several test modules."""

import pytest

# Tests of what `dskg add`/`validate` say and write: the reference path would repeat a whole-graph
# pySHACL run (~5 s each) that test_validation.py already compares with the fast path's, whole.
intake_only = pytest.mark.fast_path_only(
    "what intake says and writes; the reference path's findings are compared whole in "
    "test_validation.py (test_fast_path_finds_what_the_reference_path_finds)"
)
