/**
 * `validate`: exit 0 for a valid spec and 1 for an invalid one (including output over a hard limit),
 * 2 for a file that cannot be read; never writes anything.
 */
import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { BUILTIN_BLUEPRINTS } from '../../blueprints';
import { jsonOf, OVERSIZED_CILIUM_VALUES, runCli, soloSpecIn, tmpDir, type CliResult } from '../support/cli';
import { ROOT } from '../support/synth';

const SOLO = join(ROOT, 'examples/solo.yaml');

const tmp = () => tmpDir('catalyst-validate-');

/** Runs the CLI with an empty temporary folder as working directory; returns the result and what the folder holds after. */
function inEmptyDir(args: readonly string[]): { r: CliResult; left: string[] } {
  const dir = tmp();
  const cwd = process.cwd();
  process.chdir(dir);
  try {
    const r = runCli(args);
    return { r, left: readdirSync(dir) };
  } finally {
    process.chdir(cwd);
  }
}

/** The default spec changed by `edit`, in a new temporary folder. */
const soloWith = (edit: Parameters<typeof soloSpecIn>[2]) => soloSpecIn(tmp(), 'spec.yaml', edit);

describe('validate', () => {
  it('a valid spec: exit 0, the same counts synth reports, and nothing written', () => {
    const { r, left } = inEmptyDir(['validate', SOLO]);
    expect(r.code).toBe(0);
    expect(left).toEqual([]);
    // The mandatory Blueprints are installed whatever the selection, and the CLI says so.
    const mandatory = BUILTIN_BLUEPRINTS.filter((c) => c.metadata.tier === 'mandatory').map((c) => c.metadata.name).sort();
    expect(r.err).toBe(mandatory.map((n) => `note: added Blueprint ${n} (required by mandatory)\n`).join(''));
    expect(r.out.split('\n')).toEqual([
      expect.stringMatching(/^terraform  solo-hz-fsn-mgt-prod: \d+ resources, largest user_data \d+ bytes$/),
      expect.stringMatching(/^gitops     clusters\/hz-fsn-mgt-prod: \d+ objects in \d+ files$/),
      // The solo spec lists none: the kit and the mandatory Blueprints.
      `valid ${SOLO}: Sovereign solo, ${BUILTIN_BLUEPRINTS.filter((c) => c.metadata.tier !== 'a-la-carte').length} Blueprints; nothing written`,
      '',
    ]);
    const out = join(tmp(), 'out');
    const synth = jsonOf(runCli(['synth', SOLO, '--terraform-out', join(out, 'tf'), '--gitops-out', join(out, 'g'), '--json']));
    const checked = jsonOf(runCli(['validate', SOLO, '--json']));
    expect(checked.stacks).toEqual(synth.stacks.map(({ path, ...s }: { path: string }) => s));
    expect(checked.clusters).toEqual(synth.clusters.map((c: { path: string }) => ({ ...c, path: c.path.slice(join(out, 'g').length + 1) })));
  });

  it('--json: the Sovereign, its Blueprints in install order, stacks, clusters, added and warnings', () => {
    const spec = soloWith((s) => {
      s.spec.kubernetes = { apiAllowedCidrs: ['0.0.0.0/0'], allowApiFromInternet: true };
      s.spec.blueprints = { install: ['gitea'] };
    });
    const { r, left } = inEmptyDir(['validate', spec, '--json']);
    expect(r.code).toBe(0);
    expect(left).toEqual([]);
    expect(r.err).toBe('');
    const doc = jsonOf(r);
    expect(doc).toEqual({
      ok: true,
      command: 'validate',
      spec,
      sovereign: 'solo',
      blueprints: ['cilium', 'cert-manager', 'hcloud-cloud-controller-manager', 'flux', 'hcloud-csi', 'cnpg', 'keda', 'spire', 'openbao', 'external-secrets', 'cert-manager-dynadot-webhook', 'keycloak', 'gitea'],
      stacks: [{ name: 'solo-hz-fsn-mgt-prod', resources: expect.any(Number), largestUserDataBytes: expect.any(Number) }],
      clusters: [{ name: 'hz-fsn-mgt-prod', path: 'clusters/hz-fsn-mgt-prod', objects: expect.any(Number), files: expect.any(Number) }],
      added: [
        { name: 'cert-manager', requiredBy: ['cert-manager-dynadot-webhook', 'external-secrets', 'flux', 'keycloak', 'spire'] },
        { name: 'cert-manager-dynadot-webhook', requiredBy: ['mandatory'] },
        { name: 'cilium', requiredBy: ['bootstrap'] },
        { name: 'cnpg', requiredBy: ['gitea', 'keycloak'] },
        { name: 'external-secrets', requiredBy: ['cert-manager-dynadot-webhook', 'gitea', 'keycloak'] },
        { name: 'flux', requiredBy: ['bootstrap'] },
        { name: 'hcloud-cloud-controller-manager', requiredBy: ['bootstrap'] },
        { name: 'hcloud-csi', requiredBy: ['cnpg', 'gitea', 'keycloak', 'openbao', 'spire'] },
        { name: 'keda', requiredBy: ['mandatory'] },
        { name: 'keycloak', requiredBy: ['gitea'] },
        { name: 'openbao', requiredBy: ['external-secrets'] },
        { name: 'spire', requiredBy: ['openbao'] },
      ],
      warnings: [{ path: 'spec.kubernetes.apiAllowedCidrs[0]', value: '0.0.0.0/0', message: 'opens the Kubernetes API (6443) to the whole internet' }],
    });
  });

  it('prints warnings on stderr', () => {
    const spec = soloWith((s) => {
      s.spec.ssh.allowedCidrs = ['::/0'];
      s.spec.ssh.allowFromInternet = true;
    });
    const r = runCli(['validate', spec]);
    expect(r.code).toBe(0);
    expect(r.err.split('\n').filter((l) => l.startsWith('warning: '))).toEqual([expect.stringMatching(/^warning: .*spec\.yaml: spec\.ssh\.allowedCidrs\[0\]: "::\/0": opens SSH \(22\) to the whole internet$/)]);
  });

  it('an invalid spec: exit 1, every problem on stderr, nothing on stdout, nothing written', () => {
    const spec = soloWith((s) => {
      s.spec.regions[0].location = 'fsn2';
      s.spec.fqdn = 'Solo.Example.org';
    });
    const { r, left } = inEmptyDir(['validate', spec]);
    expect(r.code).toBe(1);
    expect(left).toEqual([]);
    expect(r.out).toBe('');
    expect(r.err).toMatch(/^invalid Sovereign spec .*spec\.yaml \(2 problems\):\n/);
    expect(r.err).toContain('spec.regions[0].location: "fsn2": must be a Hetzner location');
    expect(r.err).toContain('spec.fqdn: "Solo.Example.org": must be a lowercase DNS name');
    expect(r.err).not.toContain('nothing was written');
    const j = jsonOf(runCli(['validate', spec, '--json']));
    expect(j).toEqual({ ok: false, command: 'validate', exitCode: 1, error: { kind: 'invalid-spec', message: expect.any(String), problems: [expect.objectContaining({ path: 'spec.fqdn' }), expect.objectContaining({ path: 'spec.regions[0].location' })] } });
  });

  it("output over a hard limit (Hetzner's 32 KiB user_data): exit 1, as synth would fail", () => {
    const spec = soloWith((s) => (s.spec.blueprints = { values: OVERSIZED_CILIUM_VALUES }));
    const { r, left } = inEmptyDir(['validate', spec, '--json']);
    expect(r.code).toBe(1);
    expect(left).toEqual([]);
    expect(jsonOf(r)).toEqual({ ok: false, command: 'validate', exitCode: 1, error: { kind: 'cannot-synthesize', message: expect.stringMatching(/over Hetzner's 32768-byte user_data limit/) } });
  });

  it('a missing file: exit 2', () => {
    const missing = join(tmp(), 'nope.yaml');
    const r = runCli(['validate', missing]);
    expect(r).toEqual({ code: 2, out: '', err: `spec file ${missing} cannot be read: ENOENT: no such file or directory, open '${missing}'\n` });
  });
});
