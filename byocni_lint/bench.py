"""How fast byocni-lint starts and how fast it lints at scale: `python -m byocni_lint.bench`.

Every figure is a whole `byocni-lint` process, timed as users run it (byte code cached: the bench
unsets PYTHONDONTWRITEBYTECODE for the processes it times). Targets (issue 14, 2 cores):

- cold start on one full template (VNet, subnets, NSG, route table, role assignment): at most 4x a
  bare `python -c pass` of the same interpreter (interleaved pairs, median ratio);
- 2,000 generated full templates: at most 2 ms per template with `--jobs 1`, at most 1 ms with
  `--jobs 2` (worker processes, parallel.py);
- 10,000 generated full templates on all cores: under 15 s wall, peak memory under 150 MiB;
- the shared corpus (all formats): under 1 s;
- a 20 MB template (its folder's settings raise `max_file_bytes` past ARM's 4 MB): measured, no target.

Peak memory is `resource.getrusage(RUSAGE_CHILDREN).ru_maxrss` of a fresh wrapper process around each
run: the largest single process of the run (with workers, each of them holds about that much). CPU is
every process's. Targets are reported, never enforced (no test asserts a time); the exit code is 1
only when the linter itself failed.

Each workload is one function in WORKLOADS returning Rows; another front end adds its tree as one more
function.
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
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
CLI = [sys.executable, "-m", "byocni_lint"]
BIG_TEMPLATE_LIMIT = 20_000_000  # bytes: the big-template row's file size limit
MIB = 1024 * 1024


class LinterFailed(Exception):
    """The linter exited with an error: its timings would measure a crash, not a lint."""


@dataclass
class Row:
    workload: str
    measured: str
    target: str = ""
    met: bool | None = None  # None: no target

    def verdict(self) -> str:
        return "" if self.met is None else ("met" if self.met else "MISSED")


@dataclass
class Timed:
    wall: float  # seconds
    peak_mib: float
    cpu: float  # seconds of CPU, all processes of the run: steadier than wall time on a busy machine
    stdout: str


@dataclass
class Bench:
    """What the workloads share: the options and a scratch folder."""

    args: argparse.Namespace
    scratch: Path

    def templates(self, count: int) -> Path:
        folder = self.scratch / f"templates-{count}"
        if not folder.is_dir():
            folder.mkdir()
            write_templates(folder, count)
        return folder


def load_note() -> str:
    """The machine's load while measuring: wall times on a shared machine are only as good as this."""
    try:
        one, five, _ = os.getloadavg()
    except OSError:
        return ""
    return f"load average {one:.2f} (1 min), {five:.2f} (5 min) on {os.cpu_count()} cores"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m byocni_lint.bench", description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=20, metavar="K", help="cold-start pairs (default 20)")
    parser.add_argument("--small", type=int, default=2000, metavar="N", help="templates in the small bulk run")
    parser.add_argument("--large", type=int, default=10000, metavar="N", help="templates in the large bulk run")
    parser.add_argument("--bicep-files", type=int, default=200, metavar="N", help="generated Bicep files (default 200)")
    parser.add_argument("--corpus", type=Path, default=REPO.parent / "shared" / "corpus",
                        help="the shared corpus folder (default ../shared/corpus)")
    parser.add_argument("--only", action="append", metavar="NAME",
                        help=f"run only these workloads ({', '.join(WORKLOADS)})")
    args = parser.parse_args(argv)
    if min(args.runs, args.small, args.large) < 1:
        parser.error("--runs, --small and --large must be at least 1")
    rows: list[Row] = []
    with tempfile.TemporaryDirectory(prefix="byocni-bench-") as tmp:
        bench = Bench(args, Path(tmp))
        try:
            for name, workload in WORKLOADS.items():
                if not args.only or name in args.only:
                    rows += workload(bench)
        except LinterFailed as failure:
            print_table(rows)
            print(f"\nbenchmark aborted: {failure}", file=sys.stderr)
            return 1
    print_table(rows)
    print(f"\n{load_note()}")
    return 0


# --- workloads ---------------------------------------------------------------------------------------

def cold_start(bench: Bench) -> list[Row]:
    template = bench.scratch / "full-template.json"
    template.write_text(json.dumps(_template(random.Random(7), 0, None), indent=2), encoding="utf-8")
    bare_argv = [sys.executable, "-c", "pass"]
    lint_argv = [*CLI, str(template), "--fail-on", "never"]
    for argv in (bare_argv, lint_argv):  # warm-up: byte code written
        timed(argv)
    # Interleaved pairs, so that both see the same machine: a shared VM drifts by tens of percent.
    ratios, bare, lint = [], [], []
    for _ in range(bench.args.runs):
        bare.append(timed(bare_argv).wall)
        lint.append(timed(lint_argv).wall)
        ratios.append(lint[-1] / bare[-1])
    ratio = statistics.median(ratios)
    return [
        Row(f"python -c pass (median of {bench.args.runs})", f"{statistics.median(bare) * 1000:.1f} ms"),
        Row("one full template, cold (median)", f"{statistics.median(lint) * 1000:.1f} ms"),
        Row("  cold start ratio (median of pairs)", f"{ratio:.2f}x", "<= 4x", ratio <= 4.0),
    ]


def small_bulk(bench: Bench) -> list[Row]:
    """One process and two workers, one after the other on the same files (same page cache)."""
    count = bench.args.small
    folder = bench.templates(count)
    rows = []
    for jobs, target in ((1, 2.0), (2, 1.0)):
        run = lint_folder(folder, count, jobs)
        per = run.wall * 1000 / count
        rows += [Row(f"{count} full templates, --jobs {jobs}",
                     f"{run.wall:.2f} s, {count / run.wall:.0f} files/s, {run.peak_mib:.0f} MiB, cpu {run.cpu:.2f} s"),
                 Row("  per template", f"{per:.2f} ms", f"<= {target:g} ms", per <= target)]
    return rows


def large_bulk(bench: Bench) -> list[Row]:
    count = bench.args.large
    jobs = os.cpu_count() or 1
    run = lint_folder(bench.templates(count), count, jobs)
    return [Row(f"{count} full templates, --jobs {jobs}", f"{count / run.wall:.0f} files/s, cpu {run.cpu:.2f} s"),
            Row("  wall", f"{run.wall:.2f} s", "< 15 s", run.wall < 15),
            Row("  peak memory (largest process)", f"{run.peak_mib:.0f} MiB", "< 150 MiB", run.peak_mib < 150)]


def corpus(bench: Bench) -> list[Row]:
    folder = bench.args.corpus
    if not folder.is_dir():
        return [Row("shared corpus", f"not measured: {folder} is absent")]
    run = timed([*CLI, str(folder), "--format", "json", "--fail-on", "never"])
    files = json.loads(run.stdout)["summary"]["files"]
    return [Row(f"shared corpus ({files} files)", f"{run.wall:.2f} s, {run.peak_mib:.0f} MiB, cpu {run.cpu:.2f} s",
                "< 1 s", run.wall < 1)]


def big_template(bench: Bench) -> list[Row]:
    """ARM takes templates of at most 4 MB, and so does the default `max_file_bytes`: the folder's settings
    file raises it, so that the row times reading and checking the file, not turning it away."""
    folder = bench.scratch / "big"
    folder.mkdir(exist_ok=True)
    (folder / ".byocni-lint.toml").write_text(f"[rules.BYO903]\nmax_file_bytes = {BIG_TEMPLATE_LIMIT}\n", encoding="utf-8")
    path = folder / "big-template.json"
    size = write_big_template(path, BIG_TEMPLATE_LIMIT - 100_000)
    run = timed([*CLI, str(path), "--format", "json", "--fail-on", "never"])
    report = json.loads(run.stdout)
    refused = [f["message"] for f in report["findings"] if f["rule"] in ("BYO900", "BYO903")]
    if refused:
        raise LinterFailed(f"the {size / 1e6:.1f} MB template was not linted: {refused[0]}")
    return [Row(f"one {size / 1e6:.1f} MB template", f"{run.wall:.2f} s, {run.peak_mib:.0f} MiB, "
                f"{report['summary']['findings']} findings")]


def bicep_tree(bench: Bench) -> list[Row]:
    """Generated Bicep files (a cluster and its network module per folder) through our own Bicep
    front end (`--no-bicep-cli`: the compiler is never run here)."""
    cluster = REPO / "fixtures" / "bicep" / "cluster"
    if not cluster.is_dir():
        return [Row("Bicep tree", "not measured: no fixtures/bicep (run from a source checkout)")]
    folder = bench.scratch / "bicep"
    main, network = (cluster / "main.bicep").read_text(), (cluster / "network.bicep").read_text()
    for index in range(bench.args.bicep_files // 2):
        sub = folder / f"cluster-{index:04d}"
        sub.mkdir(parents=True)
        (sub / "main.bicep").write_text(main.replace("'byocni'", f"'byocni-{index}'"), encoding="utf-8")
        (sub / "network.bicep").write_text(network.replace("'aks-vnet'", f"'vnet-{index}'"), encoding="utf-8")
    run = timed([*CLI, str(folder), "--no-bicep-cli", "--format", "json", "--fail-on", "never"])
    files = json.loads(run.stdout)["summary"]["files"]
    return [Row(f"Bicep tree ({files} files)", f"{run.wall:.2f} s, {files / run.wall:.0f} files/s, "
                f"{run.peak_mib:.0f} MiB, cpu {run.cpu:.2f} s")]


def terraform_tree(bench: Bench) -> list[Row]:
    """A typical AKS configuration (two .tf files, a local module) evaluated without a plan, in process."""
    from byocni_lint.engine import lint_paths

    folder = bench.scratch / "terraform"
    (folder / "network").mkdir(parents=True)
    (folder / "main.tf").write_text(_TF_MAIN)
    (folder / "network" / "main.tf").write_text(_TF_NETWORK)
    lint_paths([str(folder)])  # warm: tree-sitter and the evaluator imported once
    runs = bench.args.runs
    start = time.perf_counter()
    for _ in range(runs):
        result = lint_paths([str(folder)])
    elapsed = (time.perf_counter() - start) * 1000 / runs
    return [Row("Terraform configuration (2 .tf, 1 module), in process",
                f"{elapsed:.1f} ms, {len(result.findings)} findings", "a few ms", elapsed < 10)]


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


WORKLOADS: dict[str, Callable[[Bench], list[Row]]] = {
    "cold": cold_start, "small": small_bulk, "large": large_bulk, "corpus": corpus, "big": big_template,
    "bicep": bicep_tree, "terraform": terraform_tree,
}


# --- measuring -----------------------------------------------------------------------------------------

_WRAPPER = (
    "import json, resource, subprocess, sys, time\n"
    "start = time.perf_counter()\n"
    "done = subprocess.run(sys.argv[1:], capture_output=True, text=True)\n"
    "wall = time.perf_counter() - start\n"
    "usage = resource.getrusage(resource.RUSAGE_CHILDREN)\n"
    "json.dump({'wall': wall, 'peak_kib': usage.ru_maxrss, 'cpu': usage.ru_utime + usage.ru_stime,"
    " 'code': done.returncode, 'stdout': done.stdout,"
    " 'stderr': done.stderr[-600:]}, sys.stdout)\n"
)


def _child_environment() -> dict[str, str]:
    """As users run it: with byte-code caching on (some shells and CI set PYTHONDONTWRITEBYTECODE,
    which makes every start-up recompile every module), and no progress line."""
    return {name: value for name, value in os.environ.items() if name != "PYTHONDONTWRITEBYTECODE"}


def timed(argv: list[str]) -> Timed:
    """Wall time (inside a fresh wrapper, so its start-up is not counted) and the peak RSS of `argv`."""
    wrapper = subprocess.run([sys.executable, "-c", _WRAPPER, *argv], capture_output=True, text=True,
                             env=_child_environment())
    result = json.loads(wrapper.stdout)
    if result["code"] != 0:
        raise LinterFailed(f"`{' '.join(argv)}` exited {result['code']}: {result['stderr'].strip()}")
    return Timed(result["wall"], result["peak_kib"] * 1024 / MIB, result["cpu"], result["stdout"])


def lint_folder(folder: Path, count: int, jobs: int) -> Timed:
    run = timed([*CLI, str(folder), "--format", "json", "--fail-on", "never", "--jobs", str(jobs)])
    files = json.loads(run.stdout)["summary"]["files"]
    if files != count:
        raise LinterFailed(f"linted {files} files, generated {count}")
    return run


def print_table(rows: list[Row]) -> None:
    header = Row("workload", "measured", "target")
    widths = [max(len(getattr(row, name)) for row in [header, *rows]) for name in ("workload", "measured", "target")]
    for row in [header, *rows]:
        verdict = "result" if row is header else row.verdict()
        print(f"{row.workload:<{widths[0]}}  {row.measured:<{widths[1]}}  {row.target:<{widths[2]}}  {verdict}".rstrip())


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

    node_subnet: dict = {"name": "nodes", "properties": {
        "addressPrefix": f"10.{octet + 1}.0.0/22",
        "networkSecurityGroup": {"id": "[resourceId('Microsoft.Network/networkSecurityGroups', variables('nsgName'))]"},
        "routeTable": {"id": "[resourceId('Microsoft.Network/routeTables', variables('routeTableName'))]"},
    }}
    if mistake == "delegated-node-subnet":
        node_subnet["properties"]["delegations"] = [
            {"name": "web", "properties": {"serviceName": "Microsoft.Web/serverFarms"}}
        ]
    extra_subnets = [
        {"name": f"extra{n}", "properties": {"addressPrefix": f"10.{octet + 1}.{4 * (n + 1)}.0/24"}}
        for n in range(rng.randrange(0, 3))
    ]
    if rng.random() < 0.5:
        network_profile["outboundType"] = "userDefinedRouting"
    return {
        "$schema": "https://schema.management.azure.com/schemas/2019-04-01/deploymentTemplate.json#",
        "contentVersion": "1.0.0.0",
        "parameters": parameters,
        "variables": {
            "vnetName": "[concat(parameters('clusterName'), '-vnet')]",
            "nsgName": "[concat(parameters('clusterName'), '-nsg')]",
            "routeTableName": "[concat(parameters('clusterName'), '-rt')]",
        },
        "resources": [
            _security_group(rng, mistake),
            {
                "type": "Microsoft.Network/routeTables",
                "apiVersion": "2023-09-01",
                "name": "[variables('routeTableName')]",
                "location": "[parameters('location')]",
                "properties": {"routes": [{"name": "default-via-firewall", "properties": {
                    "addressPrefix": "0.0.0.0/0", "nextHopType": "VirtualAppliance",
                    "nextHopIpAddress": f"10.{octet + 1}.3.4"}}]},
            },
            {
                "type": "Microsoft.Network/virtualNetworks",
                "apiVersion": "2023-09-01",
                "name": "[variables('vnetName')]",
                "location": "[parameters('location')]",
                "dependsOn": ["[resourceId('Microsoft.Network/networkSecurityGroups', variables('nsgName'))]",
                              "[resourceId('Microsoft.Network/routeTables', variables('routeTableName'))]"],
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
            {
                "type": "Microsoft.Authorization/roleAssignments",
                "apiVersion": "2022-04-01",
                "name": "[guid(resourceGroup().id, parameters('clusterName'), 'network')]",
                "scope": "[format('Microsoft.Network/virtualNetworks/{0}/subnets/{1}', variables('vnetName'), 'nodes')]",
                "dependsOn": ["[resourceId('Microsoft.ContainerService/managedClusters', parameters('clusterName'))]"],
                "properties": {
                    "roleDefinitionId": "[subscriptionResourceId('Microsoft.Authorization/roleDefinitions', "
                                        "'4d97b98b-1d4f-4787-a291-c67834d212e7')]",
                    "principalId": "[reference(resourceId('Microsoft.ContainerService/managedClusters', "
                                   "parameters('clusterName')), '2024-02-01', 'Full').identity.principalId]",
                    "principalType": "ServicePrincipal",
                },
            },
        ],
    }


def _security_group(rng: random.Random, mistake: str | None) -> dict:
    """An NSG with the rules real clusters carry: HTTPS in from the internet, SSH from a jump host, a deny
    of RDP from the internet; some also denies traffic inside the VNet (BYO005)."""
    rules = [
        ("allow-https", 100, "Inbound", "Allow", "Tcp", "Internet", "*", "443"),
        ("allow-ssh-jump", 110, "Inbound", "Allow", "Tcp", "10.250.0.4/32", "*", "22"),
        ("deny-rdp-internet", 200, "Inbound", "Deny", "*", "Internet", "*", "3389"),
        ("allow-dns-out", 100, "Outbound", "Allow", "Udp", "*", "*", "53"),
    ]
    if mistake == "service-cidr-overlaps-subnet" or rng.random() < 0.05:
        rules.append(("deny-vnet-udp", 300, "Inbound", "Deny", "Udp", "VirtualNetwork", "VirtualNetwork", "*"))
    return {
        "type": "Microsoft.Network/networkSecurityGroups",
        "apiVersion": "2023-09-01",
        "name": "[variables('nsgName')]",
        "location": "[parameters('location')]",
        "properties": {"securityRules": [
            {"name": name, "properties": {
                "priority": priority, "direction": direction, "access": access, "protocol": protocol,
                "sourceAddressPrefix": source, "sourcePortRange": "*",
                "destinationAddressPrefix": destination, "destinationPortRange": port}}
            for name, priority, direction, access, protocol, source, destination, port in rules]},
    }


def write_big_template(path: Path, size: int) -> int:
    """One template of at most `size` bytes: a full template whose VNet has as many subnets as fit."""
    template = _template(random.Random(11), 0, None)
    vnet = next(r for r in template["resources"] if r["type"] == "Microsoft.Network/virtualNetworks")
    vnet["properties"]["addressSpace"]["addressPrefixes"] = ["10.0.0.0/8"]
    subnets = vnet["properties"]["subnets"]
    base = len(json.dumps(template, indent=2))
    probe = [_big_subnet(n) for n in range(1000)]
    subnets.extend(probe)
    per = (len(json.dumps(template, indent=2)) - base) / len(probe)
    del subnets[-len(probe):]
    subnets.extend(_big_subnet(n) for n in range(int((size - base) / per * 0.995)))
    text = json.dumps(template, indent=2)
    path.write_text(text, encoding="utf-8")
    return len(text.encode())


def _big_subnet(n: int) -> dict:
    return {"name": f"s{n:06d}", "properties": {
        "addressPrefix": f"10.{128 + (n >> 13) % 128}.{(n >> 5) & 255}.{(n & 31) * 8}/29"}}


if __name__ == "__main__":
    sys.exit(main())
