"""../shared/corpus/scripts lints without an exception, and every `--network-plugin none` command in it is
found and judged. Expected findings were written after reading each file (line numbers are the file's).

- ACN hack/aks/Makefile: nine BYOCNI recipes, all built from `$(COMMON_AKS_FIELDS)`; subscription, group
  and cluster names come from the environment (`$(USER)`, `$(AZURE_SUBSCRIPTION)`), so subnet IDs are
  unknown (notes). Overlay mode and dual stack with `none` are BYO008 warnings; recipes without a pod
  CIDR are BYO010 warnings; `$(POD_CIDRS)` (line 454) is not set in the file (it includes deploy.mk).
- cilium-cli aks-byocni workflow: one `az aks create --network-plugin none` (line 110) without a pod CIDR.
- aks-samples create-aks.sh / create-vnet.sh: an AKS Automatic cluster (no --network-plugin) and its
  network; no BYOCNI command, nothing to report.
"""
from __future__ import annotations

import pytest

from helpers import lint, model_values_of
from shared_corpus import corpus_file

MAKEFILE = "scripts/Azure__azure-container-networking__hack__aks__Makefile"
WORKFLOW = "scripts/cilium__cilium-cli__.github__workflows__aks-byocni.yaml"

# file -> {line of `--network-plugin none`: [(rule, line) of each finding that is not a note]}
EXPECTED = {
    MAKEFILE: {
        190: [("BYO010", 190)],                                      # nodesubnet-byocni-nokubeproxy-up
        200: [("BYO008", 201)],                                      # overlay-byocni-up (--pod-cidr 192.168.0.0/16)
        213: [("BYO008", 214)],                                      # overlay-byocni-nokubeproxy-up
        263: [("BYO010", 263)],                                      # swift-byocni-up
        275: [("BYO010", 275)],                                      # swift-byocni-nokubeproxy-up
        348: [("BYO010", 348)],                                      # vnetscale-swift-byocni-up
        358: [("BYO010", 358)],                                      # vnetscale-swift-byocni-nokubeproxy-up
        424: [("BYO008", 425), ("BYO008", 427), ("BYO010", 424)],   # dualstack-overlay-byocni-up
        450: [("BYO008", 451), ("BYO008", 453)],                    # dualstack-byocni-nokubeproxy-up
    },
    WORKFLOW: {110: [("BYO010", 110)]},
    "scripts/Azure-Samples__aks-samples__automatic__custom-network__private__sh__create-aks.sh": {},
    "scripts/Azure-Samples__aks-samples__automatic__custom-network__private__sh__create-vnet.sh": {},
}


@pytest.mark.parametrize("relative", sorted(EXPECTED))
def test_corpus_script_findings(relative: str) -> None:
    path = corpus_file(relative)
    run = lint(path)
    assert run.files_linted == 1 and not run.internal_errors
    assert not [f for f in run.findings if f.rule_id in ("BYO900", "BYO903")]
    expected = sorted(item for items in EXPECTED[relative].values() for item in items)
    assert sorted((f.rule_id, f.location.span.line) for f in run.findings if f.rule_id != "BYO901") == expected
    byocni = [c for model in model_values_of(path) for c in model["clusters"]
              if (c.get("network_plugin") or {}).get("value") == "none"]
    assert len(byocni) == len(EXPECTED[relative])
