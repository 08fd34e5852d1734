#!/usr/bin/env bash
# Packs catalyst-cdk, installs the tarball in a fresh project next to the consumer's own cdk8s, cdktf
# and constructs (one copy of each: they are peer dependencies), compiles a program that composes a
# Sovereign with a custom Blueprint with plain `tsc --strict`, runs it with plain `node`, and runs the
# packaged `catalyst-cdk` command on its embedded default spec.
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
version() { node -p "require('$root/package.json').devDependencies['$1']"; }

tarball=$(cd "$root" && npm pack --silent --pack-destination "$work" | tail -n 1)
mkdir -p "$work/consumer/src"
cd "$work/consumer"
cat > package.json <<JSON
{ "name": "consumer", "version": "1.0.0", "private": true }
JSON
npm install --no-audit --no-fund --prefer-offline --save-exact "$work/$tarball" \
  "cdk8s@$(version cdk8s)" "cdk8s-plus-28@$(version cdk8s-plus-28)" "cdktf@$(version cdktf)" "constructs@$(version constructs)" \
  "typescript@$(version typescript)" "@types/node@$(version @types/node)" >/dev/null
for pkg in cdk8s cdktf constructs; do
  copies=$(find . -path "*/node_modules/$pkg/package.json" | wc -l)
  [ "$copies" -eq 1 ] || { echo "FAIL: $copies copies of $pkg installed"; exit 1; }
done
cp "$root/scripts/package-consumer/consumer.ts" src/
cat > tsconfig.json <<JSON
{ "compilerOptions": { "target": "ES2022", "module": "commonjs", "moduleResolution": "node10", "strict": true, "esModuleInterop": true, "outDir": "out", "types": ["node"] }, "include": ["src"] }
JSON
npx tsc -p .
key=$(sed -n "s/^ *- *\(ssh-ed25519 .*\)\$/\1/p" "$root/examples/solo.yaml" | head -n 1)
printf '%s\n' "$key" > key.pub
node out/consumer.js key.pub
mkdir run && (cd run && npx --no-install catalyst-cdk >/dev/null && test -f cdktf.out/stacks/*/cdk.tf.json)
echo "package OK: $tarball ($(du -k "$work/$tarball" | cut -f1) KiB), consumer compiled with tsc and ran with node, bin synthesized the default spec"
