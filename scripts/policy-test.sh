#!/usr/bin/env bash
# Run the unit tests of policy/*.rego with whichever engine is installed:
# OPA, conftest, or (always available in this repository) the regorus-based
# Rust test that also runs the rules on plans rendered by cda.
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
if command -v opa > /dev/null; then
  exec opa test -v "$root/policy"
elif command -v conftest > /dev/null; then
  exec conftest verify --policy "$root/policy"
else
  echo "opa and conftest not found: running the rules with regorus (cargo test)" >&2
  cd "$root" && exec cargo test -p cda-plan --test policy_rule
fi
