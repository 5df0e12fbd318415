"""Where the test project is: the folder in which behave found ``steps/`` or ``environment.py``."""

from __future__ import annotations

from pathlib import Path


def project_dir(config) -> Path:
    """behave's base folder for this configuration (found as behave finds it, if not yet)."""
    if not getattr(config, "base_dir", None):
        from behave.runner import Runner

        runner = Runner(config)
        with runner.path_manager:
            runner.setup_paths()
    return Path(config.base_dir)


def file_folders(context) -> list[Path]:
    """Where a file a step names is looked for: the feature's folder, then each folder above
    it up to the project's (``schemas/order.json`` beside the feature or in ``features/``)."""
    project = project_dir(context.config).resolve()
    folder = Path(context.feature.filename).resolve().parent
    folders = [folder]
    while folder != project and project in folder.parents:
        folder = folder.parent
        folders.append(folder)
    return folders


def allure_results_dir(config) -> Path | None:
    """Where allure-behave's formatter writes, if it is on (formats and outfiles pair in order)."""
    for index, name in enumerate(config.format or []):
        if "allure" in name.lower() and index < len(config.outputs):
            return Path(config.outputs[index].name)
    return None
