"""`handoff init` in-process: the files it writes, what it keeps, what --force replaces."""

from __future__ import annotations

import tomllib

import handoff
from handoff.cli.main import main
from handoff.cli.scaffold import PROJECT_FILES, requirements


def test_init_writes_every_file_of_the_layout(tmp_path, capsys):
    assert main(["init", str(tmp_path / "project")]) == 0
    project = tmp_path / "project"
    assert sorted(str(p.relative_to(project)) for p in project.rglob("*") if p.is_file()) == sorted(PROJECT_FILES)
    assert "hooks.install(globals())" in (project / "environment.py").read_text()
    assert "from handoff.steps import *" in (project / "steps" / "handoff_steps.py").read_text()
    assert "Scenario: the {service:Name} service is up" in (project / "phrases" / "example.feature").read_text()
    config = tomllib.loads((project / "config" / "local.toml").read_text())
    assert config["services"]["api"] == {"url": "${API_URL:-http://127.0.0.1:8080}", "health": "/health"}
    assert "allure_behave.formatter:AllureFormatter" in (project / "behave.ini").read_text()
    printed = capsys.readouterr().out
    assert "created   features/example.feature" in printed and "behave --dry-run" in printed


def test_requirements_pin_handoff_and_its_dependencies_exactly():
    pins = [line for line in requirements().splitlines() if line and not line.startswith("#")]
    assert pins[0] == f"handoff-bdd=={handoff.__version__}"
    names = {pin.split("==")[0].lower() for pin in pins}
    assert {"behave", "allure-behave", "requests", "sqlalchemy"} <= names
    assert all("==" in pin for pin in pins)
    assert not names & {"psycopg", "docker"}  # optional extras stay the team's choice


def test_init_keeps_edited_files_and_force_replaces_them(tmp_path, capsys):
    assert main(["init", str(tmp_path)]) == 0
    feature = tmp_path / "features" / "example.feature"
    feature.write_text("Feature: ours\n")
    capsys.readouterr()
    assert main(["init", str(tmp_path)]) == 0
    assert feature.read_text() == "Feature: ours\n"
    assert "kept      features/example.feature (exists; handoff init --force replaces it)" in capsys.readouterr().out
    assert main(["init", str(tmp_path), "--force"]) == 0
    assert feature.read_text().startswith("Feature: The API answers")
    assert "replaced  features/example.feature" in capsys.readouterr().out
