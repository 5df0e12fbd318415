"""``handoff``: the command line of a test project. ``handoff --help`` lists the commands."""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence
from pathlib import Path

import handoff


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="handoff", description="Behaviour-driven integration tests on Gherkin.")
    parser.add_argument("--version", action="version", version=f"handoff {handoff.__version__}")
    commands = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")

    steps = commands.add_parser("steps", help="the step catalog: every phrase this project understands")
    steps.add_argument("--project", type=Path, default=Path.cwd(), help="the test project (default: here)")
    steps.add_argument("--output", "-o", type=Path, help="write the catalog to this file (default: print it)")
    steps.add_argument("--check", type=Path, metavar="FILE", help="exit 1 if FILE differs from the catalog")
    steps.add_argument(
        "--features", type=Path, action="append", help="where to find example uses (default: PROJECT/features)"
    )
    steps.set_defaults(handler=_steps)

    clean = commands.add_parser(
        "clean", help="remove what killed runs left behind: service processes, run folders, throw-away databases"
    )
    clean.add_argument("--project", type=Path, default=Path.cwd(), help="the test project (default: here)")
    clean.add_argument(
        "-D", dest="define", action="append", default=[], metavar="KEY=VALUE",
        help="settings as for behave, e.g. -D env=postgres: its servers are where databases are dropped",
    )  # fmt: skip
    clean.set_defaults(handler=_clean)

    args = parser.parse_args(argv)
    return args.handler(args)


def _steps(args: argparse.Namespace) -> int:
    from handoff.cli.catalog import render

    project = args.project.resolve()
    text = render(project, [path.resolve() for path in (args.features or [project / "features"])])
    if args.check:
        if not args.check.is_file() or args.check.read_text(encoding="utf-8") != text:
            print(f"{args.check} is out of date: run `handoff steps --output {args.check}`", file=sys.stderr)
            return 1
        return 0
    if args.output:
        args.output.parent.mkdir(parents=True, exist_ok=True)
        args.output.write_text(text, encoding="utf-8")
        print(f"wrote {args.output}")
    else:
        sys.stdout.write(text)
    return 0


def _clean(args: argparse.Namespace) -> int:
    from handoff.cli.clean import clean

    userdata = dict(item.split("=", 1) for item in args.define if "=" in item)
    return clean(args.project.resolve(), userdata)


if __name__ == "__main__":
    sys.exit(main())
