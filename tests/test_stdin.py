"""`-` reads standard input, named by --stdin-filename for format detection and locations (editors)."""
from __future__ import annotations

from run_cli import REPO, cli

ERROR = REPO / "fixtures" / "foundation" / "rules" / "byo003-service-cidr-17.json"
BICEP = REPO / "fixtures" / "custom-rules" / "templates" / "violating.bicep"


def test_arm_from_stdin_is_located_in_the_named_file():
    code, out, _ = cli(["--stdin-filename", "infra/aks.json", "-"], stdin=ERROR.read_text())
    assert code == 1
    assert any(line.startswith("infra/aks.json:53:26: BYO003 serviceCidr 172.30.128.0/17") for line in out.splitlines())
    assert "byocni-lint-stdin" not in out and "(1 ARM template)" in out


def test_the_name_chooses_the_format():
    code, out, _ = cli(["--stdin-filename", "main.bicep", "--select", "BYO010", "-"], stdin=BICEP.read_text().replace(
        "      podCidr: '10.244.0.0/16'\n", ""))
    assert "(1 Bicep file)" in out and out.startswith("main.bicep:")


def test_settings_of_the_named_file_apply(tmp_path):
    (tmp_path / ".byocni-lint.toml").write_text('ignore = ["BYO006"]\n')
    code, out, _ = cli(["--stdin-filename", str(tmp_path / "aks.json"), "-"], stdin=ERROR.read_text())
    assert " BYO003 " in out and " BYO006 " not in out


def test_stdin_needs_a_name():
    code, out, err = cli(["-"], stdin="{}")
    assert code == 2 and "needs --stdin-filename" in err
