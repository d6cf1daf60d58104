"""Building one file's model: read, extract the scripts, translate the `az` calls, evaluate as ARM,
then attach each cluster's CLI version pin (the BYO002 fact)."""
from __future__ import annotations

from pathlib import Path

from byocni_lint.findings import Location
from byocni_lint.frontends.azcli import scripts as extract
from byocni_lint.frontends.azcli.scripts import Pin, Script
from byocni_lint.frontends.azcli.translate import template, translate
from byocni_lint.frontends.azcli.versions import installed_cli_version, pin_field
from byocni_lint.load.jsonc import Source

_EXTRACTORS = {
    "shell script": extract.shell_scripts, "PowerShell script": extract.powershell_scripts,
    "Makefile": extract.make_scripts, "Dockerfile": extract.docker_scripts,
    "GitHub Actions workflow": extract.github_scripts, "Azure Pipelines YAML": extract.pipeline_scripts,
}


def build(claimed, dockerfiles, run):
    from byocni_lint.model import Model

    text = run.read_text(claimed.path, claimed.display)
    if text is None:
        return None
    if "az" not in text:
        return Model(source=claimed.display)  # read: nothing the CLI front end looks at
    source = Source(claimed.display, text)
    import yaml

    try:
        scripts = _EXTRACTORS[claimed.kind](text)
    except (yaml.YAMLError, RecursionError) as exc:  # malformed YAML (or nested beyond reason)
        mark = getattr(exc, "problem_mark", None)
        offset = mark.index if mark is not None else 0
        run.problem("BYO900", f"cannot read {claimed.kind}: {getattr(exc, 'problem', None) or exc}",
                    Location(claimed.display, source.span(offset, offset)))
        return None
    pin = _docker_pin(claimed, dockerfiles, run)
    if pin is not None:
        scripts = [Script(s.snippet, s.env, s.pin or pin, s.powershell) for s in scripts]
    translation = translate(scripts, _requirements_reader(claimed, run))
    for message, start, end in translation.builder.notes:
        run.note(message, Location(claimed.display, source.span(start, end)))
    model = run.arm_model(template(translation, source), claimed.display, format="azcli")
    if model is None:
        return None
    _attach_pins(model, translation, source, run)
    return model


def _requirements_reader(claimed, run):
    """Reads a requirements file named by `pip install -r`, relative to the script's folder."""
    def read(name: str):
        path = claimed.path.parent / name
        if not path.is_file():
            return None
        display = str(Path(claimed.display).parent / name)
        text = run.read_text(path, display)
        return (text, Source(display, text)) if text is not None else None
    return read


def _docker_pin(claimed, dockerfiles, run) -> Pin | None:
    """The pin of a Dockerfile beside the script that runs it (`RUN ./create.sh`, `ENTRYPOINT [...]`)."""
    for docker in dockerfiles:
        if docker.path == claimed.path or docker.path.parent != claimed.path.parent:
            continue
        text = run.read_text(docker.path, docker.display)
        for word, pin in extract.docker_runs(text or ""):
            if pin is not None and word.rsplit("/", 1)[-1] == claimed.path.name:
                pin.source = Source(docker.display, text)
                return pin
    return None


def _attach_pins(model, translation, source: Source, run) -> None:
    """Each script-created cluster gets the pin its command runs under; `--check-installed-cli` fills
    in the local CLI for clusters with no pin in the files."""
    check_installed = getattr(run.options, "check_installed_cli", False)
    for call, pin in translation.cluster_pins:
        span = source.span(call.start, call.end)
        for cluster in model.clusters:
            if cluster.location.path != source.path or cluster.location.span != span:
                continue
            if pin is not None:
                cluster.cli_version = pin_field(pin, pin.source or source)
            elif check_installed:
                version = installed_cli_version()
                if version is not None:
                    cluster.cli_version = pin_field(Pin(version, call.start, call.end, "installed az"), source)
