"""--write-baseline / --baseline: only new findings, matched by fingerprint, surviving moved lines."""
from __future__ import annotations

import json
import shutil

from run_cli import REPO, cli

ERROR = REPO / "fixtures" / "foundation" / "rules" / "byo003-service-cidr-17.json"  # BYO003 error + BYO006 warning
SEED = REPO / "fixtures" / "seed" / "azuredeploy.json"  # value set in the same file, at line 15


def _repo(tmp_path):
    root = tmp_path / "repo"
    (root / ".git").mkdir(parents=True)
    (root / "infra").mkdir()
    shutil.copy(ERROR, root / "infra" / "aks.json")
    return root


def test_round_trip_survives_lines_inserted_above_the_findings(tmp_path):
    root = _repo(tmp_path)
    template = root / "infra" / "aks.json"
    code, _, err = cli(["--write-baseline", "baseline.json", "infra"], cwd=root)
    assert code == 0 and "wrote 2 findings" in err
    baseline = json.loads((root / "baseline.json").read_text())
    assert {entry["rule"] for entry in baseline["findings"]} == {"BYO003", "BYO006"}
    assert all(entry["path"] == "infra/aks.json" for entry in baseline["findings"])

    template.write_text("// moved down by an edit\n// and another\n\n" + template.read_text())
    code, out, _ = cli(["--baseline", "baseline.json", "infra"], cwd=root)
    assert (code, out.strip()) == (0, "Linted 1 file (1 ARM template): 1 BYOCNI cluster; no findings (2 in the baseline).")

    # from another folder of the same repository: fingerprints use repository-relative paths
    code, out, _ = cli(["--baseline", "../baseline.json", "aks.json"], cwd=root / "infra")
    assert code == 0 and "2 in the baseline" in out

    template.write_text(template.read_text().replace('"podCidr": "192.168.0.0/16"', '"podCidr": "169.254.0.0/16"'))
    code, out, _ = cli(["--baseline", "baseline.json", "infra"], cwd=root)
    assert code == 1
    (finding,) = [line for line in out.splitlines() if ": BYO" in line]
    assert "BYO003 podCidr 169.254.0.0/16" in finding and finding.startswith("infra/aks.json:")


def test_fingerprint_ignores_the_line_of_a_value_set_elsewhere(tmp_path):
    root = tmp_path / "repo"
    (root / ".git").mkdir(parents=True)
    shutil.copy(SEED, root / "azuredeploy.json")
    cli(["--select", "BYO011", "--write-baseline", "b.json", "azuredeploy.json"], cwd=root)
    text = (root / "azuredeploy.json").read_text()
    (root / "azuredeploy.json").write_text(text.replace('"parameters": {', '"parameters": {\n\n\n', 1))
    code, out, _ = cli(["--select", "BYO011", "--baseline", "b.json", "azuredeploy.json"], cwd=root)
    assert "1 in the baseline" in out and ": BYO011" not in out


def test_a_file_that_is_not_a_baseline_is_a_usage_error(tmp_path):
    (tmp_path / "b.json").write_text('{"findings": 3}')
    code, out, err = cli(["--baseline", str(tmp_path / "b.json"), str(ERROR)])
    assert code == 2 and "is not a byocni-lint baseline" in err and not out
