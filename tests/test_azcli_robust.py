"""Any text, however broken, goes through the Azure CLI extraction without an exception (bad input
gets a finding, never a traceback)."""
from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from byocni_lint.frontends.azcli import scripts
from byocni_lint.frontends.azcli.translate import translate

TOKENS = list("az aks create -g$(){}[]'\"\\`\n\t#;|&<>=:,./0123456789") + [
    "az network vnet subnet create ", "--vnet-subnet-id ", "$(az x show --query id -o tsv)", "<<EOF\n", "EOF\n",
    "${A:-", "\\\n", "--pod-cidr ", "$(", "\tFOO = $(BAR)\n", "RUN ", "FROM azure-cli:2.1\n"]
SHELLISH = st.lists(st.sampled_from(TOKENS), max_size=80).map("".join)


@settings(max_examples=150, deadline=None)
@given(SHELLISH)
def test_shell_powershell_make_docker_never_raise(text: str) -> None:
    for extract in (scripts.shell_scripts, scripts.powershell_scripts, scripts.make_scripts, scripts.docker_scripts):
        translation = translate(extract(text))
        for call in translation.calls:
            assert 0 <= call.start <= call.end <= len(text)


YAMLISH = st.lists(st.sampled_from(["jobs:\n", "  a:\n", "    steps:\n", "      - run: |\n", "          az aks create\n",
                                    "      - uses: azure/cli@v2\n", "        with:\n", "          azcliversion: 2\n",
                                    "          inlineScript: az x\n", "env: 3\n", "variables:\n", "  - name: a\n",
                                    "    value: b\n", "steps: x\n", "- script: az\n", "container: {image: 1}\n", "  "]),
                   max_size=30).map("".join)


@settings(max_examples=150, deadline=None)
@given(YAMLISH)
def test_yaml_formats_raise_only_yaml_errors(text: str) -> None:
    import yaml

    for extract in (scripts.github_scripts, scripts.pipeline_scripts):
        try:
            translate(extract(text))
        except yaml.YAMLError:
            pass  # reported as BYO900 by the unit


def test_hostile_nesting_and_expansion_are_bounded() -> None:
    deep = "az aks create --pod-cidr " + "$(" * 5000 + "x" + ")" * 5000 + "\n"
    [call] = translate(scripts.shell_scripts(deep)).calls
    assert call.one("--pod-cidr").text is None
    levels = "".join(f"V{n} = $(V{n + 1})$(V{n + 1})$(V{n + 1})$(V{n + 1})\n" for n in range(19)) + "V19 = abcdefgh\n"
    makefile = levels + "up:\n\taz aks create --name $(V0)\n"
    [call] = translate(scripts.make_scripts(makefile)).calls
    assert call.one("--name").text is None and "more than" in call.one("--name").unknown
