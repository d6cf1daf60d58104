"""How fast byocni-lint starts and how fast it lints: `python -m byocni_lint.bench [--templates N] [--runs K]`.

The linter runs as a pre-commit hook on every commit, so start-up is measured against a bare interpreter
(target: at most 4x `python -c pass`), and bulk throughput over generated templates shows whether a large
repository stays fast (target: under 2 ms per template). Targets are reported, not enforced: the numbers
depend on the machine. Exits 1 only when the linter itself fails, because then there is nothing to measure.

Standard library only: the linter is timed as users run it, in a subprocess of this interpreter, and
its engine is imported here only for the in-process measurement (which leaves out start-up).
"""
from __future__ import annotations

import argparse
import json
import os
import random
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

SEED_TEMPLATE = Path(__file__).resolve().parents[1] / "fixtures" / "seed" / "azuredeploy.json"
BICEP_CLUSTER = Path(__file__).resolve().parents[1] / "fixtures" / "bicep" / "cluster"
COLD_START_TARGET = 4.0
MS_PER_TEMPLATE_TARGET = 2.0
CLI = [sys.executable, "-m", "byocni_lint"]


class LinterFailed(Exception):
    """The linter exited with an error: its timings would measure a crash, not a lint."""


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m byocni_lint.bench", description=__doc__.splitlines()[0])
    parser.add_argument("--templates", type=int, default=1000, metavar="N", help="generated templates (default 1000)")
    parser.add_argument("--bicep-files", type=int, default=200, metavar="N", help="generated Bicep files (default 200)")
    parser.add_argument("--runs", type=int, default=20, metavar="K", help="cold-start repetitions (default 20)")
    args = parser.parse_args(argv)
    if args.templates < 1 or args.runs < 1:
        parser.error("--templates and --runs must be at least 1")

    rows: list[tuple[str, str, str]] = []
    try:
        rows += _cold_start(args.runs)
        with tempfile.TemporaryDirectory(prefix="byocni-bench-") as tmp:
            folder = Path(tmp)
            write_templates(folder, args.templates)
            rows += _bulk_subprocess(folder, args.templates)
            rows += _bulk_in_process(folder, args.templates)
        with tempfile.TemporaryDirectory(prefix="byocni-bench-bicep-") as tmp:
            rows += _bicep_tree(Path(tmp), args.bicep_files)
        with tempfile.TemporaryDirectory(prefix="byocni-bench-tf-") as tmp:
            rows += _terraform_tree(Path(tmp) / "terraform", args.runs)
    except LinterFailed as failure:
        _print_table(rows)
        print(f"\nbenchmark aborted: {failure}", file=sys.stderr)
        return 1
    _print_table(rows)
    return 0


def _cold_start(runs: int) -> list[tuple[str, str, str]]:
    if not SEED_TEMPLATE.is_file():
        return [("cold start", "skipped: no fixtures/seed (run from a source checkout)", "")]
    bare_argv = [sys.executable, "-c", "pass"]
    lint_argv = [*CLI, str(SEED_TEMPLATE), "--fail-on", "never"]
    for argv in (bare_argv, lint_argv):  # warm-up: byte code written, rule cache filled
        _require_success(argv, _run(argv))
    # Interleaved, so that both see the same machine: a shared VM drifts by tens of percent.
    bare, lint = [], []
    for _ in range(runs):
        bare.append(_timed_ms(bare_argv))
        lint.append(_timed_ms(lint_argv))
    bare_ms, lint_ms = statistics.median(bare), statistics.median(lint)
    ratio = lint_ms / bare_ms
    verdict = "ok" if ratio <= COLD_START_TARGET else "MISSED"
    return [
        (f"python -c pass (median of {runs})", f"{bare_ms:.1f} ms", ""),
        (f"byocni-lint seed template (median of {runs})", f"{lint_ms:.1f} ms", ""),
        ("cold start ratio", f"{ratio:.2f}x", f"<= {COLD_START_TARGET:g}x {verdict}"),
    ]


def _child_environment() -> dict[str, str]:
    """Measure the tool as users run it: with byte-code caching on (some shells and CI set
    PYTHONDONTWRITEBYTECODE, which makes every start-up recompile every module)."""
    return {name: value for name, value in os.environ.items() if name != "PYTHONDONTWRITEBYTECODE"}


def _run(argv: list[str]) -> subprocess.CompletedProcess:
    return subprocess.run(argv, capture_output=True, text=True, env=_child_environment())


def _timed_ms(argv: list[str]) -> float:
    start = time.perf_counter()
    completed = _run(argv)
    elapsed = (time.perf_counter() - start) * 1000
    _require_success(argv, completed)
    return elapsed


def _bulk_subprocess(folder: Path, count: int) -> list[tuple[str, str, str]]:
    argv = [*CLI, str(folder), "--format", "json", "--fail-on", "never"]
    start = time.perf_counter()
    completed = _run(argv)
    elapsed = (time.perf_counter() - start) * 1000
    _require_success(argv, completed)
    summary = json.loads(completed.stdout)["summary"]
    if summary["files"] != count:
        raise LinterFailed(f"linted {summary['files']} files, generated {count}")
    return [
        (f"CLI over {count} templates (one process)", f"{elapsed:.0f} ms", ""),
        ("  per template", f"{elapsed / count:.3f} ms", _throughput_verdict(elapsed / count)),
        (
            "  findings",
            f"{summary['findings']} ({summary['error']} errors, {summary['warning']} warnings, {summary['note']} notes)",
            "",
        ),
    ]


def _bulk_in_process(folder: Path, count: int) -> list[tuple[str, str, str]]:
    try:
        from byocni_lint.engine import lint_paths
    except ImportError:
        return [("in-process parse+lint", "in-process API not available", "")]
    start = time.perf_counter()
    result = lint_paths([str(folder)])
    elapsed = (time.perf_counter() - start) * 1000
    return [
        (f"in-process over {count} templates", f"{elapsed:.0f} ms", ""),
        ("  per template", f"{elapsed / count:.3f} ms", _throughput_verdict(elapsed / count)),
        ("  findings", str(len(result.findings)), ""),
    ]


_TF_MAIN = """
variable "pod_cidr" {
  default = "192.168.0.0/16"
}
locals {
  prefix = "aks"
}
resource "azurerm_virtual_network" "vnet" {
  name                = "${local.prefix}-vnet"
  resource_group_name = "rg"
  location            = "westeurope"
  address_space       = ["10.1.0.0/16"]
}
module "network" {
  source    = "./network"
  vnet_name = azurerm_virtual_network.vnet.name
}
resource "azurerm_kubernetes_cluster" "aks" {
  name                = local.prefix
  resource_group_name = "rg"
  location            = "westeurope"
  dns_prefix          = local.prefix
  default_node_pool {
    name           = "system"
    vm_size        = "Standard_D4s_v5"
    vnet_subnet_id = module.network.subnet_id
  }
  identity {
    type = "SystemAssigned"
  }
  network_profile {
    network_plugin = "none"
    pod_cidr       = var.pod_cidr
  }
}
resource "azurerm_role_assignment" "subnet" {
  scope                = module.network.subnet_id
  role_definition_name = "Network Contributor"
  principal_id         = azurerm_kubernetes_cluster.aks.identity[0].principal_id
}
"""
_TF_NETWORK = """
variable "vnet_name" {}
resource "azurerm_subnet" "nodes" {
  for_each             = { nodes = 1 }
  name                 = each.key
  resource_group_name  = "rg"
  virtual_network_name = var.vnet_name
  address_prefixes     = [cidrsubnet("10.1.0.0/16", 8, each.value)]
}
output "subnet_id" {
  value = azurerm_subnet.nodes["nodes"].id
}
"""


def _terraform_tree(folder: Path, runs: int) -> list[tuple[str, str, str]]:
    """A typical AKS configuration (two .tf files, a local module) evaluated without a plan, in process."""
    from byocni_lint.engine import lint_paths

    (folder / "network").mkdir(parents=True)
    (folder / "main.tf").write_text(_TF_MAIN)
    (folder / "network" / "main.tf").write_text(_TF_NETWORK)
    lint_paths([str(folder)])  # warm: tree-sitter and the evaluator imported once
    start = time.perf_counter()
    for _ in range(runs):
        result = lint_paths([str(folder)])
    elapsed = (time.perf_counter() - start) * 1000 / runs
    return [("Terraform configuration (2 .tf, 1 module)", f"{elapsed:.1f} ms", f"{len(result.findings)} findings")]


def _bicep_tree(folder: Path, count: int) -> list[tuple[str, str, str]]:
    """`count` Bicep files (a cluster and its network module per folder) through our own Bicep front end."""
    if not BICEP_CLUSTER.is_dir():
        return [("Bicep tree", "skipped: no fixtures/bicep (run from a source checkout)", "")]
    from byocni_lint.engine import Options, lint_paths

    main, network = (BICEP_CLUSTER / "main.bicep").read_text(), (BICEP_CLUSTER / "network.bicep").read_text()
    for index in range(0, count, 2):
        sub = folder / f"cluster-{index:04d}"
        sub.mkdir()
        (sub / "main.bicep").write_text(main.replace("'byocni'", f"'byocni-{index}'"), encoding="utf-8")
        if index + 1 < count:
            (sub / "network.bicep").write_text(network.replace("'aks-vnet'", f"'vnet-{index}'"), encoding="utf-8")
    start = time.perf_counter()
    result = lint_paths([str(folder)], Options(no_bicep_cli=True))
    elapsed = time.perf_counter() - start
    return [
        (f"in-process over {result.files_linted} Bicep files (own front end)", f"{elapsed * 1000:.0f} ms", ""),
        ("  Bicep files per second", f"{result.files_linted / elapsed:.0f} files/s", ""),
    ]


def _throughput_verdict(ms_per_template: float) -> str:
    verdict = "ok" if ms_per_template < MS_PER_TEMPLATE_TARGET else "MISSED"
    return f"< {MS_PER_TEMPLATE_TARGET:g} ms {verdict}"


def _require_success(argv: list[str], completed: subprocess.CompletedProcess[str]) -> None:
    if completed.returncode != 0:
        raise LinterFailed(f"`{' '.join(argv)}` exited {completed.returncode}: {completed.stderr.strip()[-600:]}")


def _print_table(rows: list[tuple[str, str, str]]) -> None:
    header = ("measurement", "result", "target")
    widths = [max(len(row[i]) for row in [header, *rows]) for i in range(2)]
    for row in [header, *rows]:
        print(f"{row[0]:<{widths[0]}}  {row[1]:<{widths[1]}}  {row[2]}".rstrip())


# --- generated templates -------------------------------------------------------------------------------

_API_VERSIONS = ["2022-01-02-preview", "2022-06-01", "2023-04-01", "2024-02-01", "2024-09-01"]
_K8S_VERSIONS = ["1.29", "1.31", "1.33.2", "1.34", "1.35.1"]
_NODE_SUBNET = "[resourceId('Microsoft.Network/virtualNetworks/subnets', variables('vnetName'), 'nodes')]"
_MISTAKES = (
    "old-api-version",
    "reserved-pod-cidr",
    "dns-outside-service-cidr",
    "service-cidr-overlaps-subnet",
    "network-policy",
    "docker-bridge-cidr",
    "delegated-node-subnet",
    "windows-pool",
)
_MISTAKE_RATE = 0.1


def write_templates(folder: Path, count: int) -> None:
    """`count` small BYOCNI templates in the shapes real ones have; about one in ten has one deliberate mistake.

    Seeded, so that two runs lint the same inputs and their timings compare.
    """
    rng = random.Random(20240601)
    for index in range(count):
        mistake = rng.choice(_MISTAKES) if rng.random() < _MISTAKE_RATE else None
        template = _template(rng, index, mistake)
        (folder / f"aks-{index:05d}.json").write_text(json.dumps(template, indent=2), encoding="utf-8")


def _template(rng: random.Random, index: int, mistake: str | None) -> dict:
    octet = rng.randrange(0, 200)
    vnet_prefix = f"10.{octet + 1}.0.0/16"
    pod_cidr = "172.31.0.0/16" if mistake == "reserved-pod-cidr" else f"10.{octet + 50}.0.0/16"
    service_cidr = f"10.{octet + 1}.0.0/20" if mistake == "service-cidr-overlaps-subnet" else f"10.{octet}.0.0/16"
    network_profile: dict = {
        "networkPlugin": "none",
        "serviceCidr": service_cidr,
        "dnsServiceIP": "192.168.0.10" if mistake == "dns-outside-service-cidr" else f"10.{octet}.0.10",
    }
    parameters: dict = {
        "clusterName": {"type": "string", "defaultValue": f"aks-{index}"},
        "location": {"type": "string", "defaultValue": "[resourceGroup().location]"},
    }
    shape = rng.random()
    if shape < 0.3:  # a parameter with a default: resolvable
        parameters["podCidr"] = {"type": "string", "defaultValue": pod_cidr}
        network_profile["podCidr"] = "[parameters('podCidr')]"
    elif shape < 0.4:  # a parameter without a default: unknown until deployment
        parameters["podCidr"] = {"type": "string"}
        network_profile["podCidr"] = "[parameters('podCidr')]"
    elif shape < 0.9:
        network_profile["podCidr"] = pod_cidr
    # else: no podCidr at all, as in many real BYOCNI templates
    if mistake == "network-policy":
        network_profile["networkPolicy"] = "calico"
    if mistake == "docker-bridge-cidr":
        network_profile["dockerBridgeCidr"] = "172.17.0.1/16"

    node_subnet: dict = {"name": "nodes", "properties": {"addressPrefix": f"10.{octet + 1}.0.0/22"}}
    if mistake == "delegated-node-subnet":
        node_subnet["properties"]["delegations"] = [
            {"name": "web", "properties": {"serviceName": "Microsoft.Web/serverFarms"}}
        ]
    extra_subnets = [
        {"name": f"extra{n}", "properties": {"addressPrefix": f"10.{octet + 1}.{4 * (n + 1)}.0/24"}}
        for n in range(rng.randrange(0, 3))
    ]
    return {
        "$schema": "https://schema.management.azure.com/schemas/2019-04-01/deploymentTemplate.json#",
        "contentVersion": "1.0.0.0",
        "parameters": parameters,
        "variables": {"vnetName": "[concat(parameters('clusterName'), '-vnet')]"},
        "resources": [
            {
                "type": "Microsoft.Network/virtualNetworks",
                "apiVersion": "2023-09-01",
                "name": "[variables('vnetName')]",
                "location": "[parameters('location')]",
                "properties": {
                    "addressSpace": {"addressPrefixes": [vnet_prefix]},
                    "subnets": [node_subnet, *extra_subnets],
                },
            },
            {
                "type": "Microsoft.ContainerService/managedClusters",
                "apiVersion": "2021-10-01" if mistake == "old-api-version" else rng.choice(_API_VERSIONS),
                "name": "[parameters('clusterName')]",
                "location": "[parameters('location')]",
                "dependsOn": ["[resourceId('Microsoft.Network/virtualNetworks', variables('vnetName'))]"],
                "identity": {"type": "SystemAssigned"},
                "properties": {
                    "kubernetesVersion": rng.choice(_K8S_VERSIONS),
                    "dnsPrefix": "[concat(parameters('clusterName'), '-dns')]",
                    "agentPoolProfiles": [
                        {
                            "name": "nodepool1",
                            "count": rng.choice([1, 3, 5]),
                            "vmSize": "Standard_D4s_v5",
                            "mode": "System",
                            "osType": "Windows" if mistake == "windows-pool" else "Linux",
                            "vnetSubnetID": _NODE_SUBNET,
                        }
                    ],
                    "networkProfile": network_profile,
                },
            },
        ],
    }


if __name__ == "__main__":
    sys.exit(main())
