"""functions/isolation.py plan(): a needed path that is a file under /tmp (a single-module package
linked into the runtime SDK, when Headwater itself is installed under /tmp, as a CI clone may be)
is mounted back as a file; it used to make every isolated worker fail to start."""

from __future__ import annotations

import os
import sys
import tempfile
from pathlib import Path

import pytest

from headwater.functions import isolation

pytestmark = pytest.mark.skipif(
    sys.platform != "linux" or os.geteuid() != 0 or not isolation.available(),
    reason="isolation needs root and mount namespaces (Linux)")


def test_a_needed_file_under_tmp_is_mounted_back() -> None:
    root = Path(tempfile.mkdtemp(prefix="headwater-iso-"))
    (root / "code").mkdir()
    module = root / "sdk" / "single_module.py"
    module.parent.mkdir()
    module.write_text("VALUE = 42\n")
    setup = isolation.plan([], [root / "code", module], 0x70000001, 16, root / "code")
    pid = os.fork()
    if pid == 0:  # the child: set up the namespace, then read the file through it
        try:
            setup()
            os._exit(0 if module.read_text() == "VALUE = 42\n" else 2)
        except BaseException:
            os._exit(3)
    _, status = os.waitpid(pid, 0)
    assert os.waitstatus_to_exitcode(status) == 0
