#!/usr/bin/env bash
# How long CI's dependency check costs: builds the cargo-deny version that .ci/run pins from crates.io
# into a temporary folder (as .ci/run does on a machine without it; crates already in cargo's download
# cache are not downloaded again), then times `cargo deny check licenses bans sources` with it, and shows
# that the advisory check cannot load its database here. With --fresh, cargo starts from an empty
# CARGO_HOME (the crates.io index and every crate are downloaded), as on a new machine.
# Usage: bash scripts/cargo_deny.sh [--fresh]
set -euo pipefail
cd "$(dirname "$0")/.."
version=$(sed -n 's/^DENY_VERSION=//p' .ci/run)
root=$(mktemp -d)
trap 'rm -rf "$root"' EXIT
if [ "${1:-}" = --fresh ]; then
  export CARGO_HOME="$root/cargo-home"
fi
start=$(date +%s%N)
cargo install --quiet --locked --version "$version" --root "$root" cargo-deny
end=$(date +%s%N)
install_ms=$(( (end - start) / 1000000 ))
start=$(date +%s%N)
"$root/bin/cargo-deny" deny --locked check --hide-inclusion-graph licenses bans sources 2>"$root/check.log" || { cat "$root/check.log"; exit 1; }
end=$(date +%s%N)
check_ms=$(( (end - start) / 1000000 ))
grep -E "(bans|licenses|sources) (ok|FAILED)" "$root/check.log"
if "$root/bin/cargo-deny" deny --locked check advisories >"$root/advisories.log" 2>&1; then
  echo "advisories: checked"
else
  echo "advisories: NOT checked; cargo-deny says:"
  grep -m 2 -E 'ERROR|fatal' "$root/advisories.log" || tail -3 "$root/advisories.log"
fi
echo "cargo-deny $version built and installed in $(( install_ms / 1000 )) s; licenses, bans and sources checked in $check_ms ms"
