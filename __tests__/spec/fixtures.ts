/**
 * Shared fixtures of the spec tests: a fixed Blueprint catalog (independent of `blueprints/`), fixed
 * SSH public keys generated once with ssh-keygen, a valid base spec, and helpers to collect problems.
 */
import { stringify } from 'yaml';
import { SpecError, SpecProblem } from '../../lib/errors';
import { LoadSpecOptions, parseSpec } from '../../lib/spec/load';
import { RETIRED_BLUEPRINTS } from '../../blueprints/retired';

/** Blueprint names the tests treat as the catalog. */
export const CATALOG = ['cilium', 'cert-manager', 'flux', 'crossplane', 'sealed-secrets', 'spire', 'nats-jetstream', 'openbao', 'keycloak', 'gitea', 'powerdns', 'external-dns'];

/** Default Blueprints, deliberately unsorted (the loader sorts them). */
export const DEFAULT_BLUEPRINTS = ['flux', 'cilium', 'sealed-secrets', 'cert-manager'];

/** Blueprints the fixture catalog always installs (as cloud-init pre-installs Cilium and Flux). */
export const ALWAYS_INSTALLED = ['cilium', 'flux'];

export const OPTIONS: LoadSpecOptions = {
  catalog: { known: CATALOG, retired: RETIRED_BLUEPRINTS, installed: (selection) => [...new Set([...selection, ...ALWAYS_INSTALLED])] },
  defaultBlueprints: DEFAULT_BLUEPRINTS,
};

/** Public keys generated with `ssh-keygen` (private halves discarded). */
export const KEYS = {
  ed25519A: 'ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIAGVLj7r9rkp5GbSL2NFNQYknwo+YAhNVtXUyZHgtc9g a@test',
  ed25519B: 'ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIBrF0453Z8pqlPEfESWjwD9uLnTynsoxOV49uhbrhpIk b@test',
  ecdsa256:
    'ecdsa-sha2-nistp256 AAAAE2VjZHNhLXNoYTItbmlzdHAyNTYAAAAIbmlzdHAyNTYAAABBBF20tme6gNdsxQDX+PVVLgZc1KEUAed14bPCviq+eWTnf9RsR06TG3DypzPN0De6mortEMRS/wxDyGd3dkc8uxQ= ec@test',
  ecdsa384:
    'ecdsa-sha2-nistp384 AAAAE2VjZHNhLXNoYTItbmlzdHAzODQAAAAIbmlzdHAzODQAAABhBPpkKx846EliR2GcSrtzK1x/4ZqYu6xIv2neslUFyDa8E6tLqCFxEZXV2uIMX2KWVFj8IGYbwTgI5zMPkh3/Q15AltQiENZtXkqGF2IWayqhLf8d6I+zYSPTUpIShzeikA== ec384@test',
  rsa3072:
    'ssh-rsa AAAAB3NzaC1yc2EAAAADAQABAAABgQClWoCRf1DHjyVpOK9ielBsPrvPYdJAjts/mZ2p1I+LIx/TkLE7vrEGB6fp5py6dHYvPobilvyg9TZvDERj4bvTkXIVuwJT53k2Ypr96XrjtuzstihWDxmsf8/OURh71FVUsJxMPwoxNA0Aulfn1vc7A4794xrlZC3JD4M49wYBmHtPN2h5bchVSn/NYystr0xNgEOdZbKxOqrf0unYQ8NKnYySyvQDIOo9N1J+Kys7r3yPcBR2n+YTsWVKN+YT82j+kbL7t6Vya+oKuFuYDydOvnEQnKBenXdsc1178YS5UhrRCoCtymi2vxdaLT7eLDLZz8NECBzdusWLPHAoAXx1HISxiHa2XvpJCNbRNUhjGNHoVDjICbDwnJjRzAKtGZ9SL8m4TcsnFaEh1YrlaHGtNctaQaPEkEO3aVBjWxeJoti5MUgrI7lwYRjVUWSkzZOEy8zi+7v6o+7DYcuk6mpW53R+MSm1/y4iNo/hia6HRG8OnBWUk+r4BTtEw2Cw9t0= rsa@test',
  rsa2048:
    'ssh-rsa AAAAB3NzaC1yc2EAAAADAQABAAABAQDDxJaQES11oCWKBVFtiIhujeASwlT6wAq/qlr9MA0pg1J4hpsvRd2ecMraShNjh1I1/FNzUHagbHsrFy2uaXSHeIvEpQuQ1IKQMhgYD70plN6J7xwFfwGHgD+Vi5rrMU05sk3Svo4uOsAwJW+MNbRurH2MfHVjkBqNHj5ECEU/5+Yjz0I3STxlUxR2cBajibDY6e4iPMpCbZstri6WAP26djxX5Wr7t2bgGjqrgyzCJwPWyxyNi1rT9yb3ZQecZM2S8VVMGcsiSlYmpFgz6VaNu5lipicJnnegxTtZmy484eqQTUswFQpW8P+y/DxqA7nTYmj9yCghgCq0PP0ExCaL short@test',
} as const;

/** Base64 body of a fake pasted private key; tests assert it never appears in an error. */
export const PRIVATE_KEY_BODY = 'b3BlbnNzaC1rZXktdjEAAAAABG5vbmUAAAAEbm9uZQAAAAAAAAABAAAAMwAAAAtzc2gtZWQyNTUxOQAAACBzZWNyZXRzZWNyZXRzZWNyZXQ';
export const PRIVATE_KEY = `-----BEGIN OPENSSH PRIVATE KEY-----\n${PRIVATE_KEY_BODY}\n-----END OPENSSH PRIVATE KEY-----\n`;

// A loose type: the tests build invalid specs on purpose.
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export type Doc = any;

/** A fresh valid spec object: one region with one worker pool. */
export function baseSpec(): Doc {
  return {
    apiVersion: 'catalyst.openova.io/v1alpha1',
    kind: 'Sovereign',
    metadata: { name: 'acme' },
    spec: {
      fqdn: 'acme.example.org',
      organization: { name: 'acme', adminEmail: 'ops@acme.example' },
      regions: [
        {
          location: 'fsn1',
          controlPlane: { serverType: 'cx43', count: 1 },
          workerPools: [{ name: 'general', serverType: 'cx33', count: 2 }],
        },
      ],
      ssh: { publicKeys: [KEYS.ed25519A] },
      gitops: { url: 'https://git.acme.example/platform/gitops.git' },
    },
  };
}

/** YAML text of the base spec changed by `edit`. */
export function yamlOf(edit: (doc: Doc) => void = () => undefined): string {
  const doc = baseSpec();
  edit(doc);
  return stringify(doc, { lineWidth: 0 });
}

/** Parses `text` and returns the problems it must have; fails the test when the spec is accepted. */
export function problemsOf(text: string): readonly SpecProblem[] {
  return specErrorOf(text).problems;
}

/** Parses `text` and returns the SpecError it must throw; fails the test when the spec is accepted or another error is thrown. */
export function specErrorOf(text: string, options: LoadSpecOptions = OPTIONS): SpecError {
  try {
    parseSpec(text, options);
  } catch (err) {
    if (err instanceof SpecError) return err;
    throw err;
  }
  throw new Error(`spec was accepted but should have been rejected:\n${text}`);
}

/** 1-based line number of the first line of `text` containing `needle`; throws when there is none. */
export function lineOf(text: string, needle: string): number {
  const index = text.split('\n').findIndex((l) => l.includes(needle));
  if (index < 0) throw new Error(`no line contains ${JSON.stringify(needle)}:\n${text}`);
  return index + 1;
}
