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
        "--editor-glue", type=Path, metavar="FILE",
        help="also write (with --check: compare) FILE: stand-ins of the phrases defined in Gherkin, for editors",
    )  # fmt: skip
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

    init = commands.add_parser("init", help="write a new test project (features, steps, config, ...) into DIR")
    init.add_argument("directory", type=Path, nargs="?", default=Path("."), help="where (default: here)")
    init.add_argument("--force", action="store_true", help="overwrite files that exist (default: keep them)")
    init.set_defaults(handler=_init)

    run = commands.add_parser(
        "run",
        help="a fresh run: clear the Allure results, behave (ARGS passed on), then the HTML report",
        description="What `make run` does in Handoff's own repository: behave writes into an empty "
        "reports/allure-results, then `handoff report` renders it. Exits with behave's status.",
    )
    run.add_argument("--results", type=Path, default=Path("reports/allure-results"), help="%(default)s")
    run.add_argument("behave_args", nargs=argparse.REMAINDER, metavar="ARGS", help="behave's options and paths")
    run.set_defaults(handler=_run)

    report = commands.add_parser("report", help="render the HTML report from the Allure results (needs Node 20+)")
    report.add_argument("--results", type=Path, default=Path("reports/allure-results"), help="%(default)s")
    report.add_argument(
        "--output", "-o", type=Path, help="reports/allure-report, or reports/allure-report-single with --single-file"
    )
    report.add_argument(
        "--history", type=Path, default=Path("reports/allure-history.jsonl"), help="the trend between runs: %(default)s"
    )
    report.add_argument("--no-history", action="store_true", help="render without reading or adding history")
    report.add_argument("--single-file", action="store_true", help="one self-contained index.html, to share")
    report.add_argument(
        "--install-renderer", action="store_true", help="only install the renderer (npm ci, once), render nothing"
    )
    report.set_defaults(handler=_report)

    contracts = commands.add_parser("contracts", help="API contracts: what a new API description would break")
    contract_commands = contracts.add_subparsers(dest="contracts_command", required=True, metavar="SUBCOMMAND")
    contracts_diff = contract_commands.add_parser(
        "diff",
        help="the scenarios of the last run that NEW would break (exit 1 if any)",
        description="Compares two versions of a service's OpenAPI description against what the last run's "
        "scenarios sent and read (reports/api-exchanges.jsonl): removed or retyped fields they read, statuses "
        "they received that are gone, newly required fields they do not send.",
    )
    contracts_diff.add_argument("old", help="the description the last run used (a file or a URL)")
    contracts_diff.add_argument("new", help="the new version (a file or a URL)")
    contracts_diff.add_argument("--service", help="the service's name in configuration (default: the one that fits)")
    contracts_diff.add_argument(
        "--exchanges", type=Path, default=Path("reports/api-exchanges.jsonl"), help="%(default)s"
    )
    contracts_diff.set_defaults(handler=_contracts_diff)

    args = parser.parse_args(argv)
    return args.handler(args)


def _contracts_diff(args: argparse.Namespace) -> int:
    from handoff.cli.contracts import diff

    return diff(args.old, args.new, args.service, args.exchanges)


def _steps(args: argparse.Namespace) -> int:
    from handoff.cli.catalog import editor_glue, render
    from handoff.phrases import PhraseError

    project = args.project.resolve()
    feature_dirs = [path.resolve() for path in (args.features or [project / "features"])]
    try:
        text = render(project, feature_dirs)
        glue = editor_glue(project, feature_dirs) if args.editor_glue else ""
    except PhraseError as error:
        print(f"the phrase definitions cannot work:\n{error}", file=sys.stderr)
        return 1
    if args.check:
        stale = [
            (path, option)
            for path, option, wanted in ((args.check, "--output", text), (args.editor_glue, "--editor-glue", glue))
            if path is not None and (not path.is_file() or path.read_text(encoding="utf-8") != wanted)
        ]
        for path, option in stale:
            print(f"{path} is out of date: run `handoff steps {option} {path}`", file=sys.stderr)
        return 1 if stale else 0
    for path, content in ((args.output, text), (args.editor_glue, glue)):
        if path is not None:
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_text(content, encoding="utf-8")
            print(f"wrote {path}")
    if not args.output:
        sys.stdout.write(text)
    return 0


def _clean(args: argparse.Namespace) -> int:
    from handoff.cli.clean import clean

    userdata = dict(item.split("=", 1) for item in args.define if "=" in item)
    return clean(args.project.resolve(), userdata)


def _init(args: argparse.Namespace) -> int:
    from handoff.cli.scaffold import next_steps, write_project

    written = write_project(args.directory, force=args.force)
    for path in written.created:
        print(f"created   {path}")
    for path in written.overwritten:
        print(f"replaced  {path}")
    for path in written.kept:
        print(f"kept      {path} (exists; handoff init --force replaces it)")
    print()
    print(next_steps(args.directory))
    return 0


def _run(args: argparse.Namespace) -> int:
    import shutil
    import subprocess

    from handoff.report.results import after_run

    shutil.rmtree(args.results, ignore_errors=True)
    behave_args = args.behave_args[1:] if args.behave_args[:1] == ["--"] else args.behave_args
    # No timeout of our own: the run's step timeout (step.timeout) bounds each step, and
    # Ctrl-C reaches behave, which cleans up what it started.
    status = subprocess.run([sys.executable, "-m", "behave", *behave_args], check=False).returncode
    status = after_run(args.results, status, Path("features"))  # no results, quarantined failures
    rendered = main(["report", "--results", str(args.results)])
    if rendered != 0:
        print("handoff run: the report was not rendered (see above); behave's results are kept", file=sys.stderr)
    return status


def _report(args: argparse.Namespace) -> int:
    from handoff.report.rendering import (
        RendererUnavailable,
        RenderFailed,
        ensure_renderer,
        later_command,
        render_report,
    )

    try:
        if args.install_renderer:
            renderer = ensure_renderer()
            print(f"report renderer: {renderer.command}")
            return 0
        output = args.output or Path("reports/allure-report-single" if args.single_file else "reports/allure-report")
        index = render_report(
            args.results,
            output,
            history=None if args.no_history else args.history,
            single_file=args.single_file,
        )
    except RendererUnavailable as error:
        print(f"handoff report: {error}.", file=sys.stderr)
        if not args.install_renderer:
            print(
                f"The results are kept in {args.results}; render them later with: {later_command(args.results)}",
                file=sys.stderr,
            )
        return 1
    except RenderFailed as error:
        print(f"handoff report: {error}", file=sys.stderr)
        return 1
    if args.single_file:
        print(f"Allure report (one file, to share): {index}")
    else:
        print(f"Allure report: {index} (serve it: {_python()} -m http.server -d {output})")
    return 0


def _python() -> str:
    """This Python, as the user would type it (``.venv/bin/python`` inside the project)."""
    executable = Path(sys.executable)
    try:
        return str(executable.relative_to(Path.cwd()))
    except ValueError:
        return "python3"


if __name__ == "__main__":
    sys.exit(main())
