"""Run a command and write its peak resident memory (KiB) to a file:

    python -m bench.peak OUT_FILE COMMAND [ARGS...]

Linux keeps a process's peak RSS across exec, and a child starts from its parent's: a command
spawned straight from the benchmark runner (which holds feeds, Arrow tables and DuckDB by then)
would report the runner's peak as its own. Spawned from this small process, it reports its own.
Exits with the command's status.
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path


def main(argv: list[str]) -> int:
    out, command = Path(argv[0]), argv[1:]
    process = subprocess.Popen(command)
    _, status, usage = os.wait4(process.pid, 0)
    out.write_text(str(usage.ru_maxrss))
    return os.waitstatus_to_exitcode(status)


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
