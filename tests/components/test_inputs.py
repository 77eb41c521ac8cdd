"""components/inputs.py: what foundry-iac reads is a regular file of bounded size, or a one-line input error."""

from __future__ import annotations

import os

import pytest

from components.errors import InputFileError
from components.inputs import read_input_text


def test_a_regular_file_is_read_without_its_bom(tmp_path):
    path = tmp_path / "x.json"
    path.write_bytes(b"\xef\xbb\xbf{}\n")
    assert read_input_text(path, "x.json", "policy config") == "{}\n"


@pytest.mark.parametrize("kind", ["fifo", "folder", "device"])
def test_what_is_no_regular_file_is_refused_at_once_never_waited_on(tmp_path, kind):
    path = tmp_path / "x.json"
    if kind == "fifo":
        os.mkfifo(path)  # nobody writes to it: a blocking open would wait forever
    elif kind == "folder":
        path.mkdir()
    else:
        path.symlink_to("/dev/zero")
    with pytest.raises(InputFileError) as raised:
        read_input_text(path, "policies/config/x.json", "policy config")
    assert raised.value.lines() == [
        "policies/config/x.json: the policy config is not a regular file (a FIFO, a device or a folder); make it a file"
    ]


def test_a_missing_file_says_so(tmp_path):
    with pytest.raises(InputFileError) as raised:
        read_input_text(tmp_path / "none.json", "none.json", "policy config")
    assert raised.value.lines() == ["none.json: cannot read the policy config (No such file or directory)"]
