/**
 * Internet-wide firewall sources: refused unless confirmed in the spec, and then synthesized as
 * written with a warning on every synth.
 */
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Sovereign } from '../../app/sovereign';
import { runCli } from '../support/cli';
import { yamlOf } from './fixtures';

const OPEN = yamlOf((d) => {
  d.spec.ssh.allowedCidrs = ['0.0.0.0/0', '::/0'];
  d.spec.ssh.allowFromInternet = true;
  d.spec.kubernetes = { apiAllowedCidrs: ['203.0.113.0/24', '::/0'], allowApiFromInternet: true };
});

function synth(text: string): { code: number; out: string; err: string; tf: { resource: Record<string, Record<string, Record<string, unknown>>> } } {
  const dir = mkdtempSync(join(tmpdir(), 'catalyst-warn-'));
  const file = join(dir, 'spec.yaml');
  writeFileSync(file, text);
  const { code, out, err } = runCli([file, '--terraform-out', join(dir, 'tf'), '--gitops-out', join(dir, 'gitops')]);
  const tf = JSON.parse(readFileSync(join(dir, 'tf', 'stacks', 'acme-hz-fsn-mgt-prod', 'cdk.tf.json'), 'utf8'));
  return { code, out, err, tf };
}

describe('internet-wide SSH and API sources', () => {
  it('are listed as warnings of the Sovereign, one per source, in spec order', () => {
    const sovereign = Sovereign.fromYaml(OPEN);
    expect(sovereign.warnings.map((w) => [w.path, w.value, w.message])).toEqual([
      ['spec.ssh.allowedCidrs[0]', '0.0.0.0/0', 'opens SSH (22) to the whole internet'],
      ['spec.ssh.allowedCidrs[1]', '::/0', 'opens SSH (22) to the whole internet'],
      ['spec.kubernetes.apiAllowedCidrs[1]', '::/0', 'opens the Kubernetes API (6443) to the whole internet'],
    ]);
  });

  it('are synthesized as confirmed, with a warning per source on stderr', () => {
    const r = synth(OPEN);
    expect(r.code).toBe(0);
    expect(r.err.split('\n').filter((l) => l.startsWith('warning: '))).toEqual([
      expect.stringMatching(/^warning: .*spec\.yaml: spec\.ssh\.allowedCidrs\[0\]: "0\.0\.0\.0\/0": opens SSH \(22\) to the whole internet$/),
      expect.stringMatching(/spec\.ssh\.allowedCidrs\[1\]: "::\/0": opens SSH/),
      expect.stringMatching(/spec\.kubernetes\.apiAllowedCidrs\[1\]: "::\/0": opens the Kubernetes API \(6443\)/),
    ]);
    expect(r.out).not.toContain('warning');
    const rules = Object.values(r.tf.resource.hcloud_firewall!)[0]!.rule as Array<{ port?: string; source_ips: string[] }>;
    expect(rules.find((x) => x.port === '22')!.source_ips).toEqual(['0.0.0.0/0', '::/0']);
    expect(rules.find((x) => x.port === '6443')!.source_ips).toEqual(['203.0.113.0/24', '::/0']);
  });

  it('give no warning when the spec names only its own networks', () => {
    const r = synth(yamlOf((d) => (d.spec.ssh.allowedCidrs = ['203.0.113.0/24'])));
    expect(r.code).toBe(0);
    expect(r.err).not.toContain('warning');
    expect(Sovereign.fromYaml(yamlOf()).warnings).toEqual([]);
  });
});

describe('k3s lines upstream no longer maintains', () => {
  it('are synthesized with a warning naming the maintained lines', () => {
    const sovereign = Sovereign.fromYaml(yamlOf((d) => (d.spec.kubernetes = { k3sVersion: 'v1.31.4+k3s1' })));
    expect(sovereign.warnings.map((w) => [w.path, w.value, w.message])).toEqual([
      ['spec.kubernetes.k3sVersion', 'v1.31.4+k3s1', 'is on v1.31, which upstream no longer maintains (maintained: v1.35, v1.36, v1.37); upgrade one minor line at a time'],
    ]);
  });

  it('warn about nothing on a maintained line', () => {
    for (const k3sVersion of ['v1.35.0+k3s1', 'v1.36.3+k3s1', 'v1.37.1+k3s1']) {
      expect(Sovereign.fromYaml(yamlOf((d) => (d.spec.kubernetes = { k3sVersion }))).warnings).toEqual([]);
    }
  });
});
