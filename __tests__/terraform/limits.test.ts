import { mkdtempSync, readFileSync, readdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parse, stringify } from 'yaml';
import { Sovereign } from '../../app/sovereign';
import { SynthError } from '../../lib/errors';
import { readTree, ROOT } from '../support/synth';

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

    const huge = Sovereign.fromYaml(soloWith((s) => (s.spec.blueprints = { values: { cilium: { extraConfig: { note: 'x'.repeat(33 * 1024) } } } })));
    expect(() => huge.synthesize(targets)).toThrow(SynthError);
    expect(() => huge.synthesize(targets)).toThrow(/cloud-init of solo-hz-fsn-mgt-prod-cp-1 is \d+ bytes, over Hetzner's 32768-byte user_data limit/);
    expect(readTree(dir)).toEqual(before);
    expect(readdirSync(dir).sort()).toEqual(['cdktf.out', 'gitops']);
  });

  it('counts secrets at their longest when measuring', () => {
    const ok = Sovereign.fromYaml(soloWith((s) => (s.spec.blueprints = { values: { cilium: { extraConfig: { note: 'x'.repeat(20 * 1024) } } } })));
    const report = ok.synthesize({ terraformOut: join(mkdtempSync(join(tmpdir(), 'catalyst-limit-')), 'tf') });
    expect(report.stacks[0]!.largestUserDataBytes).toBeGreaterThan(20 * 1024);
    expect(report.stacks[0]!.largestUserDataBytes).toBeLessThan(32 * 1024);
  });
});
