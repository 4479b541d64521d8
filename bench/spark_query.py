"""Run one SQL query on a Spark warehouse (MARQUEE_SPARK_DIR) and print its rows as JSON:
the benchmark's parent process cannot open the warehouse itself (its catalog admits one
Spark process at a time, and each `marquee` child is one).

    python -m bench.spark_query "select ..."
"""

from __future__ import annotations

import json
import sys

from marquee.engines import engine_for


def main() -> None:
    rows = engine_for("spark").query(sys.argv[1])
    print(json.dumps([list(row) for row in rows], default=str))


if __name__ == "__main__":
    main()
