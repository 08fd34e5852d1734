/**
 * Checks of the signature-verification material a Sovereign spec carries, done without a network
 * and synchronously (the spec loader is synchronous):
 *
 * - ASCII-armored OpenPGP public keys for Flux's Git commit verification: the armor
 *   (https://www.rfc-editor.org/rfc/rfc4880#section-6.2, CRC-24 checksum of section 6.1) and the packet
 *   framing (section 4.2) are decoded, and the packet types tell a public key from a private one;
 * - the OIDC identity regexes of cosign keyless verification (Flux evaluates them as Go regular
 *   expressions, https://golang.org/s/re2syntax).
 */
import { createHash } from 'node:crypto';
import type { SpecProblem } from './errors';

/** First line of an ASCII-armored OpenPGP public key block. */
export const PGP_PUBLIC_KEY_BEGIN = '-----BEGIN PGP PUBLIC KEY BLOCK-----';
/** Last line of an ASCII-armored OpenPGP public key block. */
export const PGP_PUBLIC_KEY_END = '-----END PGP PUBLIC KEY BLOCK-----';

/**
 * What Flux verifies in a GitRepository (`spec.verify.mode`,
 * https://fluxcd.io/flux/components/source/gitrepositories/#verification): `HEAD` the commit the
 * checked-out reference points to, `Tag` the tag object of a tag checkout, `TagAndHEAD` both.
 */
export const GIT_VERIFICATION_MODES = ['HEAD', 'Tag', 'TagAndHEAD'] as const;
/** One of `GIT_VERIFICATION_MODES`. */
export type GitVerificationMode = (typeof GIT_VERIFICATION_MODES)[number];

/** OpenPGP packet tags (RFC 4880 section 4.3). */
const PACKET = { secretKey: 5, publicKey: 6, secretSubkey: 7 } as const;

/**
 * Public key versions Flux v2.4's verifier reads: source-controller v1.4 verifies with
 * ProtonMail go-crypto v1.0, which parses version 4 and 5 keys only.
 */
const SUPPORTED_KEY_VERSIONS = [4, 5];

/** A checked OpenPGP public key block. */
export interface PgpPublicKeyBlock {
  /** Fingerprints of the primary keys in the block, upper-case hex (40 digits for version 4 keys), in block order. */
  readonly fingerprints: readonly string[];
  /** The block as pasted, without surrounding blank space, ending with a newline. */
  readonly armored: string;
}

/** Result of `parsePgpPublicKeyBlock`: the block, or why it is not one. */
export type PgpKeyResult =
  | {
      /** The text is one valid public key block. */
      readonly ok: true;
      /** The checked block and its fingerprints. */
      readonly block: PgpPublicKeyBlock;
    }
  | {
      /** The text is not a usable public key block. */
      readonly ok: false;
      /** True when the text holds private key material; a message about it must never echo the text. */
      readonly private: boolean;
      /** What is wrong and how to fix it, phrased to follow a field path. */
      readonly message: string;
    };

const EXPORT_HINT = 'gpg --export --armor <key-id>';

/** CRC-24 of OpenPGP's armor checksum (RFC 4880 section 6.1). */
function crc24(data: Uint8Array): number {
  let crc = 0xb704ce;
  for (const byte of data) {
    crc ^= byte << 16;
    for (let i = 0; i < 8; i++) {
      crc <<= 1;
      if (crc & 0x1000000) crc ^= 0x1864cfb;
    }
  }
  return crc & 0xffffff;
}

/** One packet: its tag and body. */
interface Packet {
  readonly tag: number;
  readonly body: Buffer;
}

/**
 * Splits binary OpenPGP data into packets (RFC 4880 section 4.2, old and new header formats).
 * @returns the packets, or a reason when the framing is broken
 */
function packets(data: Buffer): Packet[] | string {
  const out: Packet[] = [];
  let at = 0;
  while (at < data.length) {
    const first = data[at]!;
    if ((first & 0x80) === 0) return `byte ${at} does not start a packet`;
    let tag: number;
    let length: number;
    let start: number;
    if (first & 0x40) {
      tag = first & 0x3f;
      const l0 = data[at + 1] ?? 0;
      const size = l0 < 192 ? 1 : l0 < 224 ? 2 : l0 === 255 ? 5 : 0;
      if (size === 0) return 'a packet uses partial body lengths, which key packets never do';
      if (at + 1 + size > data.length) return 'a packet header is cut off';
      length = size === 1 ? l0 : size === 2 ? ((l0 - 192) << 8) + data[at + 2]! + 192 : data.readUInt32BE(at + 2);
      start = at + 1 + size;
    } else {
      tag = (first >> 2) & 0x0f;
      const size = [1, 2, 4][first & 0x03];
      if (size === undefined) [length, start] = [data.length - at - 1, at + 1];
      else if (at + 1 + size > data.length) return 'a packet header is cut off';
      else [length, start] = [data.readUIntBE(at + 1, size), at + 1 + size];
    }
    if (start + length > data.length) return 'the last packet is cut off';
    out.push({ tag, body: data.subarray(start, start + length) });
    at = start + length;
  }
  return out;
}

/** Fingerprint of a version 4 or 5 public key packet body (RFC 4880 section 12.2; version 5 per LibrePGP). */
function fingerprint(body: Buffer): string {
  const v5 = body[0] === 5;
  const prefix = v5 ? Buffer.from([0x9a, 0, 0, 0, 0]) : Buffer.from([0x99, 0, 0]);
  if (v5) prefix.writeUInt32BE(body.length, 1);
  else prefix.writeUInt16BE(body.length, 1);
  return createHash(v5 ? 'sha256' : 'sha1').update(prefix).update(body).digest('hex').toUpperCase();
}

/**
 * Checks that `text` is exactly one ASCII-armored OpenPGP public key block (a transferable public
 * key as `gpg --export --armor` writes it; several keys in one block are allowed) and reads the
 * fingerprints of its keys.
 *
 * It is not a full OpenPGP implementation: self-signatures and algorithms are left to Flux. It
 * rejects what would fail or be dangerous there: text that is not an armored public key block, a
 * broken checksum or packet framing, private key material (a `PRIVATE KEY` block, or secret key
 * packets inside a public key armor), and key versions Flux v2.4 cannot read.
 */
export function parsePgpPublicKeyBlock(text: string): PgpKeyResult {
  const fail = (message: string) => ({ ok: false, private: false, message }) as const;
  if (/PRIVATE KEY|SECRET KEY/.test(text)) {
    return { ok: false, private: true, message: `is a private key; put only the public key (${EXPORT_HINT}) in the spec, and revoke the exposed key` };
  }
  const notArmored = fail(`must be one ASCII-armored OpenPGP public key block, from "${PGP_PUBLIC_KEY_BEGIN}" to "${PGP_PUBLIC_KEY_END}" (${EXPORT_HINT})`);
  const lines = text.trim().split(/\r?\n/).map((l) => l.trimEnd());
  if (lines[0] !== PGP_PUBLIC_KEY_BEGIN || lines[lines.length - 1] !== PGP_PUBLIC_KEY_END) return notArmored;
  if (lines.filter((l) => l === PGP_PUBLIC_KEY_BEGIN).length > 1) {
    return fail('holds more than one armored block; list each block as its own entry');
  }
  const broken = (why: string) => fail(`is not a valid OpenPGP public key block: ${why}; export it again with ${EXPORT_HINT}`);
  let i = 1;
  while (/^[\x21-\x39\x3b-\x7e]+: /.test(lines[i]!)) i++;
  if (lines[i] === '') i++;
  const body = lines.slice(i, -1);
  const checksum = body.length > 0 && /^=[A-Za-z0-9+/]{4}$/.test(body[body.length - 1]!) ? body.pop()! : undefined;
  const base64 = body.join('');
  if (base64 === '' || !body.every((l) => /^[A-Za-z0-9+/]+={0,2}$/.test(l)) || base64.length % 4 !== 0 || /=[^=]/.test(base64)) {
    return broken('its body is not base64');
  }
  const data = Buffer.from(base64, 'base64');
  if (checksum !== undefined && crc24(data) !== Buffer.from(checksum.slice(1), 'base64').readUIntBE(0, 3)) {
    return broken('its checksum does not match its body (the text was changed)');
  }
  const list = packets(data);
  if (typeof list === 'string') return broken(list);
  if (list.some((p) => p.tag === PACKET.secretKey || p.tag === PACKET.secretSubkey)) {
    return { ok: false, private: true, message: `holds private key packets under a public key header; put only the public key (${EXPORT_HINT}) in the spec, and revoke the exposed key` };
  }
  if (list[0]!.tag !== PACKET.publicKey) return broken(`it starts with a packet of type ${list[0]!.tag}, not with a public key (type ${PACKET.publicKey})`);
  const keys = list.filter((p) => p.tag === PACKET.publicKey);
  const unsupported = keys.find((k) => !SUPPORTED_KEY_VERSIONS.includes(k.body[0] ?? 0));
  if (unsupported) {
    return fail(`is a version ${unsupported.body[0]} OpenPGP key; Flux v2.4 verifies signatures with version 4 keys (what GnuPG 2.2 and 2.4 create) or version 5 keys`);
  }
  return { ok: true, block: { fingerprints: keys.map((k) => fingerprint(k.body)), armored: `${text.trim()}\n` } };
}

/**
 * Checks one OIDC identity pattern of cosign keyless verification (`matchOIDCIdentity[].issuer` or
 * `.subject`, https://fluxcd.io/flux/components/source/ocirepositories/#keyless-verification): a
 * regular expression Go can compile, anchored at both ends so it matches the whole identity and not
 * any identity that merely contains it.
 *
 * @param what `issuer` or `subject`, for the message
 * @returns what is wrong, or undefined when the pattern is fine
 */
export function identityPatternProblem(pattern: string, what: 'issuer' | 'subject'): string | undefined {
  const example = what === 'issuer' ? '^https://token\\.actions\\.githubusercontent\\.com$' : '^https://github\\.com/acme/charts/\\.github/workflows/release\\.yml@refs/tags/.+$';
  const re2Gap = /\(\?<?[=!]/.test(pattern) ? 'lookaround' : /\\[1-9]|\\k</.test(pattern) ? 'backreferences' : undefined;
  if (re2Gap) return `uses ${re2Gap}, which Go regular expressions (RE2) do not have; write it without, e.g. ${example}`;
  try {
    new RegExp(pattern);
  } catch (err) {
    return `is not a valid regular expression (${(err as Error).message}); e.g. ${example}`;
  }
  const trailingBackslashes = /(\\*)\$$/.exec(pattern)?.[1]!.length ?? 0;
  if (!pattern.startsWith('^') || !pattern.endsWith('$') || trailingBackslashes % 2 === 1) {
    return `must be anchored with ^ and $ so it matches the whole ${what}, not any ${what} containing it; e.g. ${example}`;
  }
  return undefined;
}

/**
 * An OIDC identity a keyless cosign signature must carry: Go regular expressions matched against the
 * issuer and the subject of the signing certificate, e.g. issuer
 * `^https://token\.actions\.githubusercontent\.com$` and subject
 * `^https://github\.com/acme/charts/\.github/workflows/release\.yml@refs/tags/.+$`.
 */
export interface OidcIdentityMatch {
  /** Regex of the OIDC issuer, anchored with `^` and `$`. */
  readonly issuer: string;
  /** Regex of the certificate's subject (the signing workflow or account), anchored with `^` and `$`. */
  readonly subject: string;
}

/**
 * Cosign signature verification of an OCI artifact, e.g. a Helm chart
 * (https://fluxcd.io/flux/components/source/ocirepositories/#verification). Exactly one of:
 * - `matchOIDCIdentity`: the chart is signed keyless; the signing certificate must match one of the
 *   identities;
 * - `publicKeySecret`: the chart is signed with a cosign key; the named Secret in `flux-system` holds
 *   the public keys as `<name>.pub` entries (e.g. `cosign.pub`). Create it yourself: key material
 *   is not part of the spec.
 */
export type CosignVerification =
  | {
      /** Signature technology. @default 'cosign' */
      readonly provider?: 'cosign';
      /** Identities a keyless signature may come from; at least one. */
      readonly matchOIDCIdentity: readonly OidcIdentityMatch[];
      /** Not with `matchOIDCIdentity`. */
      readonly publicKeySecret?: undefined;
    }
  | {
      /** Signature technology. @default 'cosign' */
      readonly provider?: 'cosign';
      /** Name of the Secret in `flux-system` holding the cosign public keys as `<name>.pub` entries. */
      readonly publicKeySecret: string;
      /** Not with `publicKeySecret`. */
      readonly matchOIDCIdentity?: undefined;
    };

/**
 * Problems of a cosign verification: not exactly one of identity and key, an empty identity list,
 * identity regexes that are not anchored Go regular expressions.
 *
 * @param verify the verification as written: a `CosignVerification`, or a spec entry that may set both or neither
 * @param base field path of `verify`, e.g. `spec.blueprints.verify.podinfo`; problems' paths start with it
 * @returns every problem; empty when `verify` is usable
 */
export function cosignVerificationProblems(
  verify: { readonly matchOIDCIdentity?: readonly OidcIdentityMatch[]; readonly publicKeySecret?: string },
  base: string,
): SpecProblem[] {
  const problems: SpecProblem[] = [];
  const { matchOIDCIdentity: identities, publicKeySecret: secret } = verify;
  const choose = 'set matchOIDCIdentity for a chart signed keyless, or publicKeySecret for one signed with a cosign key';
  if (identities !== undefined && secret !== undefined) {
    problems.push({ path: base, value: secret, message: `sets both matchOIDCIdentity and publicKeySecret; ${choose}, not both` });
  } else if (identities === undefined && secret === undefined) {
    problems.push({ path: base, value: verify, message: `sets neither matchOIDCIdentity nor publicKeySecret; ${choose}` });
  } else if (identities?.length === 0) {
    problems.push({ path: `${base}.matchOIDCIdentity`, value: identities, message: 'must list at least one issuer/subject pair' });
  }
  (identities ?? []).forEach((m, i) => {
    for (const what of ['issuer', 'subject'] as const) {
      const problem = identityPatternProblem(m[what], what);
      if (problem) problems.push({ path: `${base}.matchOIDCIdentity[${i}].${what}`, value: m[what], message: problem });
    }
  });
  return problems;
}
