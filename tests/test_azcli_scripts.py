"""Each input format's shell text, variables and CLI pins (frontends/azcli/scripts.py)."""
from __future__ import annotations

from byocni_lint.frontends.azcli import scripts
from byocni_lint.frontends.azcli.translate import translate
from byocni_lint.frontends.azcli.words import parse


def calls(found: list[scripts.Script]):
    return translate(found).calls


def at(text: str, word) -> str:
    return text[word.start:word.end]


def test_powershell_backticks_and_assignments() -> None:
    text = '$rg = "rg1"\n$x = Get-Thing\naz aks create `\n  -g $rg `\n  --pod-cidr $x\n'
    [call] = calls(scripts.powershell_scripts(text))
    assert call.one("--resource-group").text == "rg1" and at(text, call.one("--resource-group")) == "$rg"
    assert call.one("--pod-cidr").text is None


def test_makefile_variables_expand_at_the_reference() -> None:
    text = ("AZ ?= az\nCIDR = 10.9.0.0/16\nifeq ($(X),1)\nNAME = a\nendif\nFLAGS = -n $(NAME) \\\n\t--pod-cidr $(CIDR)\n"
            "up:\n\t@$(AZ) aks create $(FLAGS) --network-plugin none -g $$RG\n")
    [call] = calls(scripts.make_scripts(text))
    assert call.path == ("aks", "create")
    assert call.one("--pod-cidr").text == "10.9.0.0/16" and at(text, call.one("--pod-cidr")) == "$(FLAGS)"
    assert call.one("--name").text is None  # set inside a make conditional
    assert call.one("--resource-group").text is None  # $$RG: a shell variable the recipe does not set
    assert at(text, call.one("--network-plugin")) == "none"


def test_github_workflow_env_expressions_and_action_pin() -> None:
    text = ("env:\n  CIDR: 10.8.0.0/16\njobs:\n  a:\n    runs-on: ubuntu-latest\n    steps:\n"
            "      - uses: azure/cli@v2\n        with:\n          azcliversion: 2.38.0\n          inlineScript: |\n"
            "            az aks create -n ${{ env.CIDR }} --pod-cidr $CIDR -g ${{ secrets.RG }}\n")
    found = scripts.github_scripts(text)
    [call] = calls(found)
    assert found[0].pin.version == "2.38.0" and text[found[0].pin.start:found[0].pin.end] == "2.38.0"
    assert call.one("--name").text == "10.8.0.0/16" and at(text, call.one("--name")) == "${{ env.CIDR }}"
    assert call.one("--pod-cidr").text == "10.8.0.0/16" and at(text, call.one("--pod-cidr")) == "$CIDR"
    assert call.one("--resource-group").text is None


def test_pipeline_macros_from_variables() -> None:
    text = ("variables:\n  podCidr: 10.7.0.0/16\nsteps:\n  - script: |\n"
            "      az aks create --pod-cidr $(podCidr) --name $(missing)\n")
    [call] = calls(scripts.pipeline_scripts(text))
    assert call.one("--pod-cidr").text == "10.7.0.0/16" and at(text, call.one("--pod-cidr")) == "$(podCidr)"
    assert "not defined" in call.one("--name").unknown


def test_dockerfile_pins_from_image_and_pip() -> None:
    text = ("FROM mcr.microsoft.com/azure-cli:2.30.0\nRUN az aks create -n a\nFROM python:3.12\n"
            "RUN pip install azure-cli==2.38.0\nRUN ./create.sh\nFROM mcr.microsoft.com/azure-cli:latest\nRUN az version\n")
    pins = [s.pin.version if s.pin else None for s in scripts.docker_scripts(text)]
    assert pins == ["2.30.0", None, "2.38.0", None]
    assert ("create.sh", pins[2]) in [(w.rsplit("/", 1)[-1], p.version if p else None) for w, p in scripts.docker_runs(text)]


def test_github_step_outputs_written_from_literals() -> None:
    text = ("jobs:\n  a:\n    runs-on: ubuntu-latest\n    steps:\n      - id: vars\n        run: |\n"
            "          echo \"cidr=10.6.0.0/16\" >> $GITHUB_OUTPUT\n          echo \"sha=$(git rev-parse HEAD)\" >> $GITHUB_OUTPUT\n"
            "      - run: az aks create --pod-cidr ${{ steps.vars.outputs.cidr }} -n ${{ steps.vars.outputs.sha }}\n")
    [call] = calls(scripts.github_scripts(text))
    assert call.one("--pod-cidr").text == "10.6.0.0/16"
    assert call.one("--name").text is None


def test_requirements_file_pin() -> None:
    from byocni_lint.load.jsonc import Source

    requirements = "requests==2.0\nazure-cli == 2.37.0\n"
    source = Source("requirements.txt", requirements)
    words = parse(scripts.Snippet.plain("pip3 install -r requirements.txt\n"))[0].words
    pin = scripts.pip_pin(words, lambda name: (requirements, source) if name == "requirements.txt" else None)
    assert pin.version == "2.37.0" and requirements[pin.start:pin.end] == "2.37.0" and pin.source is source


def test_pwsh_workflow_step_and_job_container_pin() -> None:
    text = ("jobs:\n  a:\n    runs-on: ubuntu-latest\n    container: mcr.microsoft.com/azure-cli:2.35.0\n    steps:\n"
            "      - shell: pwsh\n        run: |\n          $cidr = '10.5.0.0/16'\n"
            "          az aks create `\n            --pod-cidr $cidr\n")
    found = scripts.github_scripts(text)
    [call] = calls(found)
    assert call.one("--pod-cidr").text == "10.5.0.0/16" and at(text, call.one("--pod-cidr")) == "$cidr"
    assert found[0].pin.version == "2.35.0" and text[found[0].pin.start:found[0].pin.end].endswith(":2.35.0")


def test_dockerfile_arg_tag_and_env_values() -> None:
    text = ("ARG CLI_VERSION=2.36.0\nFROM mcr.microsoft.com/azure-cli:${CLI_VERSION}\nENV POD_CIDR=10.4.0.0/16\n"
            "RUN az aks create --pod-cidr $POD_CIDR\n")
    [script] = scripts.docker_scripts(text)
    assert script.pin.version == "2.36.0" and text[script.pin.start:script.pin.end] == "2.36.0"
    [call] = calls([script])
    assert call.one("--pod-cidr").text == "10.4.0.0/16"


def test_pipeline_template_expressions_from_variables() -> None:
    text = ("variables:\n  cidr: 10.3.0.0/16\nsteps:\n  - bash: |\n"
            "      az aks create --pod-cidr ${{ variables.cidr }} --name ${{ parameters.name }}\n")
    [call] = calls(scripts.pipeline_scripts(text))
    assert call.one("--pod-cidr").text == "10.3.0.0/16" and at(text, call.one("--pod-cidr")) == "${{ variables.cidr }}"
    assert call.one("--name").text is None
