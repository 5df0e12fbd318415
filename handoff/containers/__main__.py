"""``python -m handoff.containers down``: remove every container, volume and network of any
run on this engine, kept stacks included (images stay: they are the build cache)."""

from __future__ import annotations

import sys

from handoff.containers.engine import LABEL_RUN, connect, remove_labelled


def main(argv: list[str]) -> int:
    if argv != ["down"]:
        print("usage: python -m handoff.containers down", file=sys.stderr)
        return 2
    client = connect()
    try:
        removed = remove_labelled(client, LABEL_RUN)
    finally:
        client.close()
    print("\n".join(f"removed {what}" for what in removed) or "nothing to remove")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
