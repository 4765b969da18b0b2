#!/usr/bin/env bash
# Offline check of deploy/k8s: every manifest validated against the
# Kubernetes API schemas by kubernetes-validate --strict (which also refuses
# fields the schemas do not know), installed from PyPI into a throwaway
# virtual environment. No cluster runs them here.
# Usage: tests/e2e/k8s_validate.sh   (needs python3 with venv, and pip's registry)
# K8S_VALIDATE_VERSION: the Kubernetes version to validate for (default: the
# tool's newest).
set -euo pipefail
repo=$(cd "$(dirname "$0")/../.." && pwd)
venv=$(mktemp -d)
trap 'rm -rf "$venv"' EXIT
python3 -m venv "$venv"
"$venv/bin/pip" install -q --disable-pip-version-check 'kubernetes-validate==1.37.0'
args=(--strict)
if [ -n "${K8S_VALIDATE_VERSION:-}" ]; then args+=(--kubernetes-version "$K8S_VALIDATE_VERSION"); fi
shopt -s nullglob
manifests=("$repo"/deploy/k8s/*.yaml)
[ "${#manifests[@]}" -gt 0 ] || { echo "k8s validate FAILED: no manifests in deploy/k8s" >&2; exit 1; }
"$venv/bin/kubernetes-validate" "${args[@]}" "${manifests[@]}"
# The check itself: a misspelt field must fail it.
sed 's/completionMode:/completionMod:/' "$repo/deploy/k8s/scan-job.yaml" >"$venv/misspelt.yaml"
if "$venv/bin/kubernetes-validate" "${args[@]}" "$venv/misspelt.yaml" >"$venv/misspelt.log" 2>&1; then
  cat "$venv/misspelt.log" >&2
  echo "k8s validate FAILED: a misspelt field (completionMod) passed; the check checks nothing" >&2
  exit 1
fi
echo "k8s validate ok: ${#manifests[@]} manifests (${manifests[*]##*/}), strict"
