/**
 * Test support: a scanner for secret-shaped literals in synthesized output, and the rules that decide
 * which Terraform variables and outputs must be sensitive.
 *
 * Every pattern carries a planted `positive` (a line it must flag) and a planted look-alike
 * `negative` (a line no pattern may flag); `__tests__/security/no-secrets.test.ts` proves both. The
 * planted token-shaped values are assembled at run time (`fake`), so this source file itself holds
 * nothing a secret scanner (ours or a forge's push protection) would flag.
 */
import type { TerraformJson } from './synth';
import type { ProviderSchemas } from './tf-schema';

/** One kind of secret-shaped literal. */
export interface SecretPattern {
  /** Short name used in findings. */
  readonly name: string;
  /** Tested against every line of every scanned text (not global, not sticky). */
  readonly re: RegExp;
  /** Extra check of a match (e.g. entropy); a match is a finding only when this returns true. @default every match */
  readonly accept?: (match: RegExpExecArray) => boolean;
  /** A planted line this pattern must flag. */
  readonly positive: string;
  /** A planted look-alike line that no pattern may flag. */
  readonly negative: string;
}

/** Deterministic pseudo-random text of `length` characters from `alphabet` (seeded), for planted values. */
export function fake(length: number, alphabet = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789', seed = 7): string {
  // mulberry32
  let a = seed >>> 0;
  let out = '';
  for (let i = 0; i < length; i++) {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = Math.imul(a ^ (a >>> 15), a | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    out += alphabet[((t ^ (t >>> 14)) >>> 0) % alphabet.length];
  }
  return out;
}

/** Shannon entropy of a string, in bits per character. */
export function entropy(text: string): number {
  const counts = new Map<string, number>();
  for (const c of text) counts.set(c, (counts.get(c) ?? 0) + 1);
  let h = 0;
  for (const n of counts.values()) h -= (n / text.length) * Math.log2(n / text.length);
  return h;
}

/** A value that looks machine-generated: upper and lower case letters, a digit, and at least 3.5 bits of entropy per character. */
function looksRandom(value: string): boolean {
  return /[A-Z]/.test(value) && /[a-z]/.test(value) && /[0-9]/.test(value) && entropy(value) >= 3.5;
}

const UPPER_DIGITS = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ234567';
const HEX = '0123456789abcdef';
const B64URL = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_';
const BCRYPT = './ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789';
const dashes = '-----';
const begin = (what: string) => `${dashes}BEGIN ${what}${dashes}`;

/**
 * Every kind of secret-shaped literal the output is scanned for. A Secret's *name* under a
 * credential-named key (`existingSecret: keycloak-admin`) or a reference (`${var.git_token}`,
 * `"$S0_0"`) is not a literal and is not flagged.
 */
export const SECRET_PATTERNS: readonly SecretPattern[] = [
  {
    name: 'PEM private key block',
    re: /-----BEGIN (?!OPENSSH |PGP )(?:[A-Z0-9]+ )*PRIVATE KEY-----/,
    positive: begin('RSA PRIVATE KEY'),
    negative: begin('PUBLIC KEY'),
  },
  {
    name: 'OpenSSH private key',
    // The header, or the base64 of `openssh-key-v1` that starts the body.
    re: /-----BEGIN OPENSSH PRIVATE KEY-----|b3BlbnNzaC1rZXktdjE/,
    positive: `${begin('OPENSSH PRIVATE KEY')}\n${'b3BlbnNzaC1rZXktdjE'}AAAAABG5vbmUAAAAEbm9uZQ`,
    negative: 'ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIAIs146hALSh4Y9yh1tYjnvcypM/j/hmzwC4XAtX3DPY platform@example.org',
  },
  {
    name: 'PGP private key block',
    re: /-----BEGIN PGP PRIVATE KEY BLOCK-----/,
    positive: begin('PGP PRIVATE KEY BLOCK'),
    negative: begin('PGP PUBLIC KEY BLOCK'),
  },
  {
    name: 'AWS access key id',
    re: /(?<![A-Z0-9])(?:AKIA|ASIA|AROA|AIDA)[A-Z0-9]{16}(?![A-Z0-9])/,
    positive: `aws_access_key_id = ${'AKIA'}${fake(16, UPPER_DIGITS)}`,
    negative: `id: ${'AKIA'}${fake(15, UPPER_DIGITS)} and ${'akia'}${fake(16, UPPER_DIGITS).toLowerCase()}`,
  },
  {
    name: 'AWS secret access key',
    re: /aws_?secret_?access_?key["']?\s*[:=]\s*["']?[A-Za-z0-9/+=]{40}(?![A-Za-z0-9/+=])/i,
    positive: `AWS_SECRET_ACCESS_KEY=${fake(40, 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789/+')}`,
    negative: 'credentials from AWS_ACCESS_KEY_ID/AWS_SECRET_ACCESS_KEY: ${var.aws_secret_access_key}',
  },
  {
    name: 'GitHub token',
    re: /(?<![A-Za-z0-9_])(?:ghp|gho|ghu|ghs|ghr)_[A-Za-z0-9]{36,}|(?<![A-Za-z0-9_])github_pat_[A-Za-z0-9_]{50,}/,
    positive: `token: ${'ghp_'}${fake(36)}\npat: ${'github_pat_'}${fake(22)}_${fake(59)}`,
    negative: `ref: ${'ghp_'}${fake(20)} ${'github_pat_'}placeholder https://github.com/openova-io/openova`,
  },
  {
    name: 'GitLab token',
    re: /(?<![A-Za-z0-9_])glpat-[A-Za-z0-9_-]{20,}/,
    positive: `${'glpat-'}${fake(20)}`,
    negative: `${'glpat-'}xxxx and glpatch-${fake(20)}`,
  },
  {
    name: 'Slack token',
    re: /(?<![A-Za-z0-9])xox[abpr]-(?:[0-9A-Za-z]+-)+[0-9A-Za-z]{8,}/,
    positive: `${'xoxb-'}${fake(12, HEX.slice(0, 10))}-${fake(13, HEX.slice(0, 10))}-${fake(24)}`,
    negative: 'xoxo-hugs-and-kisses-forever and xoxb-',
  },
  {
    name: 'JSON Web Token',
    re: /(?<![A-Za-z0-9_-])eyJ[A-Za-z0-9_-]{10,}\.eyJ[A-Za-z0-9_-]{10,}\.[A-Za-z0-9_-]{10,}/,
    positive: `Bearer-less: ${'eyJ'}hbGciOiJIUzI1NiJ9.${'eyJ'}zdWIiOiJhZG1pbiJ9.${fake(43, B64URL)}`,
    negative: `header: ${'eyJ'}hbGciOiJIUzI1NiJ9.notapayload`,
  },
  {
    name: 'bcrypt hash',
    re: /\$2[aby]?\$\d{2}\$[./A-Za-z0-9]{53}/,
    positive: `htpasswd: admin:${'$2y$'}10$${fake(53, BCRYPT)}`,
    negative: `awk '{ print $2 }' and ${'$2y$'}10$short`,
  },
  {
    name: 'Authorization header literal',
    re: /Authorization["']?\s*[:=]\s*["']?(?:Bearer|Basic|token)\s+(?![$<{])[A-Za-z0-9._~+/=-]{8,}/i,
    positive: `curl -H "Authorization: Bearer ${fake(32)}"`,
    negative: 'curl -H "Authorization: Bearer $TOKEN" -H "Authorization: Bearer ${var.git_token}"',
  },
  {
    name: 'k3s join token',
    re: /(?<![A-Za-z0-9])K10[0-9a-f]{16,}::(?:server|node):[A-Za-z0-9]+/,
    positive: `token: ${'K10'}${fake(64, HEX)}::server:${fake(32, HEX)}`,
    negative: 'token: ${random_password.k3s_token.result} K10deadbeef::server:',
  },
  {
    name: 'Hetzner API token',
    // 64 alphanumerics in mixed case (a lowercase hex SHA-256 digest is not one).
    re: /(?<![A-Za-z0-9])[A-Za-z0-9]{64}(?![A-Za-z0-9])/,
    accept: (m) => /[A-Z]/.test(m[0]) && /[a-z]/.test(m[0]),
    positive: `hcloud: ${fake(64)}`,
    negative: `digest: sha256:${fake(64, HEX)}`,
  },
  {
    name: 'credential assignment',
    re: /(?<![A-Za-z])(password|passwd|token|secret|api[-_]?key)["']?\s*[:=]\s*["']?(?!\$\{|\$S\d|\$\()[A-Za-z0-9+/=_-]{16,}/i,
    positive: 'stringData:\n  password: hunter2hunter2hunter2',
    negative: 'password: ${var.git_token}\napi-key="$S4_0"\nexistingSecret: keycloak-postgresql-credentials',
  },
  {
    name: 'high-entropy value under a credential-named key',
    re: /[A-Za-z0-9_.-]*(?:secret|token|passw(?:or)?d|pwd|api[-_]?key|access[-_]?key|private[-_]?key|credentials?)[A-Za-z0-9_.-]*["']?\s*[:=]\s*["']?([A-Za-z0-9+/_-]{20,}={0,2})(?![A-Za-z0-9+/=_-])/i,
    accept: (m) => looksRandom(m[1]!),
    positive: `"clientSecret": "${fake(28)}"`,
    negative: 'secretName: keycloakPostgresqlCredentialsSecret\ntokenSecretRef: flux-system-git-credentials',
  },
  {
    name: 'credentials in a URL',
    re: /[a-z][a-z0-9+.-]*:\/\/[^/\s:@]+:[^/\s@]+@/i,
    positive: 'url: https://user:pass@git.example.org/repo.git',
    negative: 'url: https://git.example.org/platform/solo-gitops.git ssh://git@github.com/a/b.git https://example.org/a:b@c',
  },
];

/** One secret-shaped literal found: where and which pattern. */
export interface Finding {
  readonly file: string;
  readonly line: number;
  readonly pattern: string;
  readonly text: string;
}

/** Every line of every text that a pattern flags. */
export function scan(files: ReadonlyMap<string, string>, patterns: readonly SecretPattern[] = SECRET_PATTERNS): Finding[] {
  const out: Finding[] = [];
  for (const [file, text] of files) {
    text.split('\n').forEach((line, i) => {
      for (const p of patterns) {
        const m = p.re.exec(line);
        if (m && (p.accept?.(m) ?? true)) out.push({ file, line: i + 1, pattern: p.name, text: line.trim().slice(0, 120) });
      }
    });
  }
  return out;
}

/** Renders findings one per line (for readable test failures). */
export function describeFindings(findings: readonly Finding[]): string[] {
  return findings.map((f) => `${f.file}:${f.line}: ${f.pattern}: ${f.text}`);
}

/**
 * The files of a synthesized tree plus, for every Terraform JSON file, each multi-line string in it
 * (user_data above all) as its own text `<file>#<json path>`, so that line-based patterns see the
 * cloud-init lines rather than one JSON-escaped line.
 */
export function expandTerraformStrings(files: ReadonlyMap<string, string>): Map<string, string> {
  const out = new Map(files);
  for (const [file, text] of files) {
    if (!file.endsWith('.tf.json')) continue;
    const walk = (v: unknown, path: string) => {
      if (typeof v === 'string') {
        if (v.includes('\n')) out.set(`${file}#${path}`, v);
      } else if (Array.isArray(v)) v.forEach((x, i) => walk(x, `${path}/${i}`));
      else if (v && typeof v === 'object') for (const [k, x] of Object.entries(v)) walk(x, `${path}/${k}`);
    };
    walk(JSON.parse(text), '');
  }
  return out;
}

/** Every string inside a JSON value, object keys included. */
export function allStrings(value: unknown): string[] {
  if (typeof value === 'string') return [value];
  if (Array.isArray(value)) return value.flatMap(allStrings);
  if (value && typeof value === 'object') return Object.entries(value).flatMap(([k, v]) => [k, ...allStrings(v)]);
  return [];
}

/** Terraform references (`var.x`, `random_password.k3s_token.result`, `data.hcloud_ssh_key.admin_1.id`) inside `${...}` of a string. */
export function references(text: string): string[] {
  const out: string[] = [];
  for (const m of text.matchAll(/\$\{([^}]*)\}/g)) {
    for (const r of m[1]!.matchAll(/(?<![\w.])((?:data\.)?[a-z][a-z0-9_]*\.[A-Za-z0-9_-]+(?:\.[A-Za-z0-9_]+)*)/g)) out.push(r[1]!);
  }
  return out;
}

/** Variable names that carry a credential: they must be sensitive and have no default. */
export const CREDENTIAL_VARIABLE = /token|password|passwd|secret|username|credential|api_?key|access_?key|private_?key/i;

/**
 * Why an output must be `sensitive: true`, or `undefined` when it need not be: its value references a
 * sensitive variable, a `random_password`, a `user_data`, or an attribute the provider schema marks
 * sensitive. (Terraform itself refuses to plan an output that references a sensitive value without
 * `sensitive = true`.)
 */
export function sensitiveReason(tf: Pick<TerraformJson, 'variable'>, value: unknown, schemas: ProviderSchemas): string | undefined {
  for (const ref of allStrings(value).flatMap(references)) {
    const parts = ref.split('.');
    if (parts[0] === 'var') {
      if (tf.variable?.[parts[1]!]?.sensitive) return `references sensitive variable ${parts[1]}`;
      continue;
    }
    if (parts[0] === 'random_password') return `references ${ref}`;
    if (parts.includes('user_data')) return `references ${ref}`;
    const isData = parts[0] === 'data';
    const [type, , attr] = isData ? parts.slice(1) : parts;
    const block = (isData ? schemas.dataSources : schemas.resources).get(type!)?.block;
    if (attr && block?.attributes?.[attr]?.sensitive) return `references ${ref}, a sensitive attribute`;
  }
  return undefined;
}
