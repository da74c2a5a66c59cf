#!/usr/bin/env bash
# Validates the Bicep in bicep/ with the Bicep CLI from its NuGet package (Azure.Bicep.CommandLine.linux-x64):
#   bicep build bicep/main.bicep, bicep build-params bicep/main.bicepparam, bicep lint bicep/main.bicep.
# bicep/bicepconfig.json raises every linter rule to error; on top of that, any diagnostic printed at all (info,
# warning or error) fails this script. The CLI is restored once into azure/.tools/ (git-ignored) by `dotnet restore`
# of azure/tools/BicepCli/BicepCli.csproj, from the machine's configured NuGet source.
#
# Usage: azure/bicep.sh            validate (restoring the CLI on first use)
#        azure/bicep.sh --path     print the bicep binary's path (restoring it if needed), for other scripts
set -euo pipefail

bicep_version=0.49.2
root=$(cd "$(dirname "$0")/.." && pwd)
packages="$root/azure/.tools/packages"
bicep="$packages/azure.bicep.commandline.linux-x64/$bicep_version/tools/bicep"

if [ ! -x "$bicep" ]; then
  if ! command -v dotnet >/dev/null 2>&1; then
    echo "bicep.sh: the .NET SDK ('dotnet') is needed to restore the Bicep CLI package" >&2
    exit 1
  fi
  echo "bicep.sh: restoring Azure.Bicep.CommandLine.linux-x64 $bicep_version into azure/.tools/" >&2
  dotnet restore "$root/azure/tools/BicepCli/BicepCli.csproj" --packages "$packages" \
    -p:BicepVersion="$bicep_version" --verbosity quiet >&2
  chmod +x "$bicep"
fi

if [ "${1:-}" = "--path" ]; then
  echo "$bicep"
  exit 0
fi

cd "$root"
echo "bicep.sh: $("$bicep" --version)"

failed=0
# Runs one bicep command; its stdout (compiled JSON) is discarded, and anything on stderr counts as a diagnostic.
check() {
  local what=$1
  shift
  local diagnostics status
  diagnostics=$(mktemp)
  set +e
  "$bicep" "$@" >/dev/null 2>"$diagnostics"
  status=$?
  set -e
  if [ "$status" -ne 0 ] || [ -s "$diagnostics" ]; then
    echo "bicep.sh: FAIL $what (exit $status)" >&2
    cat "$diagnostics" >&2
    failed=1
  else
    echo "bicep.sh: ok   $what"
  fi
  rm -f "$diagnostics"
}

check "build bicep/main.bicep" build bicep/main.bicep --stdout
check "build-params bicep/main.bicepparam" build-params bicep/main.bicepparam --stdout
check "lint bicep/main.bicep" lint bicep/main.bicep

if [ "$failed" -ne 0 ]; then
  echo "bicep.sh: the Bicep has diagnostics (no warnings are allowed)" >&2
  exit 1
fi
echo "bicep.sh: clean"
