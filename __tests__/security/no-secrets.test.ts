import { join } from 'node:path';
import { EXAMPLES, readTree, synthExample } from '../support/synth';

/**
 * Secret-shaped literals: key material, credential-named keys holding a long literal (a key that only
 * names a Secret, like `existingSecret`, is not one), token-shaped strings and credentials in URLs.
 */
const PATTERNS: ReadonlyArray<[string, RegExp]> = [
  ['private key block', /-----BEGIN [A-Z ]*PRIVATE KEY-----/],
  ['credential assignment', /(?<![A-Za-z])(password|passwd|token|secret|api[-_]?key)["']?\s*[:=]\s*["']?(?!\$\{|\$S\d|\$\()[A-Za-z0-9+/=_-]{16,}/i],
  ['Hetzner API token', /\b[A-Za-z0-9]{64}\b/],
  ['basic-auth URL', /https?:\/\/[^/\s:@]+:[^/\s@]+@/],
];

/** Every line of every synthesized file that matches a pattern. */
function findings(files: Map<string, string>): string[] {
  const out: string[] = [];
  for (const [path, text] of files) {
    text.split('\n').forEach((line, i) => {
      for (const [name, re] of PATTERNS) if (re.test(line)) out.push(`${path}:${i + 1}: ${name}: ${line.trim().slice(0, 120)}`);
    });
  }
  return out;
}

describe('no secret literal in the output', () => {
  it.each(EXAMPLES)('%s: Terraform and GitOps files hold no secret-shaped literal', (name) => {
    const ex = synthExample(name);
    const files = readTree(join(ex.dir));
    expect(files.size).toBeGreaterThan(50);
    expect(findings(files)).toEqual([]);
  });

  it('the patterns catch what they are meant to catch', () => {
    const planted = new Map([
      ['a.yaml', 'stringData:\n  password: hunter2hunter2hunter2\n'],
      ['b.json', '{"token": "abcdefghijklmnopqrstuvwxyz012345"}'],
      ['c.yaml', '-----BEGIN OPENSSH PRIVATE KEY-----'],
      ['d.yaml', `hcloud: ${'a1'.repeat(32)}`],
      ['e.yaml', 'url: https://user:pass@git.example.org/repo.git'],
      ['ok.yaml', 'password: ${var.git_token}\napi-key="$S4_0"\nexistingSecret: keycloak-postgresql-credentials\n'],
    ]);
    expect(findings(planted).map((f) => f.split(':')[0])).toEqual(['a.yaml', 'b.json', 'c.yaml', 'd.yaml', 'e.yaml']);
  });
});
