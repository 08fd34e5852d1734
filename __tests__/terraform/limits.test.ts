import { mkdtempSync, readFileSync, readdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parse, stringify } from 'yaml';
import { Sovereign } from '../../app/sovereign';
import { SynthError } from '../../lib/errors';
import { noise, readTree, ROOT } from '../support/synth';

function soloWith(edit: (spec: any) => void): string {
  const spec = parse(readFileSync(join(ROOT, 'examples/solo.yaml'), 'utf8'));
  edit(spec);
  return stringify(spec);
}

describe("Hetzner's 32 KiB user_data limit", () => {
  it('rejects a cloud-init that would exceed it and keeps the previous output as it was', () => {
    const dir = mkdtempSync(join(tmpdir(), 'catalyst-limit-'));
    const targets = { terraformOut: join(dir, 'cdktf.out'), gitopsOut: join(dir, 'gitops') };
    Sovereign.fromYaml(soloWith(() => undefined)).synthesize(targets);
    const before = readTree(dir);

    const huge = Sovereign.fromYaml(soloWith((s) => (s.spec.blueprints = { values: { cilium: { extraConfig: { note: noise(33 * 1024) } } } })));
    expect(() => huge.synthesize(targets)).toThrow(SynthError);
    expect(() => huge.synthesize(targets)).toThrow(/cloud-init of solo-hz-fsn-mgt-prod-cp-1 is \d+ bytes, over Hetzner's 32768-byte user_data limit \(gzip-compressed and base64-encoded\)/);
    expect(readTree(dir)).toEqual(before);
    expect(readdirSync(dir).sort()).toEqual(['cdktf.out', 'gitops']);
  });

  it('measures the user_data Hetzner receives: gzip-compressed and base64-encoded', () => {
    const ok = Sovereign.fromYaml(soloWith((s) => (s.spec.blueprints = { values: { cilium: { extraConfig: { note: noise(20 * 1024) } } } })));
    const report = ok.synthesize({ terraformOut: join(mkdtempSync(join(tmpdir(), 'catalyst-limit-')), 'tf') });
    expect(report.stacks[0]!.largestUserDataBytes).toBeGreaterThan(20 * 1024);
    expect(report.stacks[0]!.largestUserDataBytes).toBeLessThan(32 * 1024);
    // 33 KiB of text that compresses well fits: gzip is what Hetzner's limit applies to.
    const compressible = Sovereign.fromYaml(soloWith((s) => (s.spec.blueprints = { values: { cilium: { extraConfig: { note: 'x'.repeat(33 * 1024) } } } })));
    expect(compressible.synthesize({ terraformOut: join(mkdtempSync(join(tmpdir(), 'catalyst-limit-')), 'tf') }).stacks[0]!.largestUserDataBytes).toBeLessThan(12 * 1024);
  });

  it('counts secrets at their longest and as incompressible when measuring', () => {
    // The bootstrap splices the Hetzner token, Git credentials and join tokens in at their longest, as random text.
    const withAuth = Sovereign.fromYaml(soloWith((s) => (s.spec.gitops.auth = 'token'))).synthesize({ terraformOut: join(mkdtempSync(join(tmpdir(), 'catalyst-limit-')), 'tf') });
    const without = Sovereign.fromYaml(soloWith(() => undefined)).synthesize({ terraformOut: join(mkdtempSync(join(tmpdir(), 'catalyst-limit-')), 'tf') });
    // Two Git secrets of 256 random characters: at least their base64 size (2 × 256 × 4/3 × 3/4 of entropy ≈ 512 bytes).
    expect(withAuth.stacks[0]!.largestUserDataBytes - without.stacks[0]!.largestUserDataBytes).toBeGreaterThan(480);
  });
});
