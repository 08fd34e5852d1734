/**
 * Test support: OpenPGP public keys generated once with GnuPG 2.2 (`gpg --quick-gen-key`, private
 * halves discarded; `gpg --export --armor`), and builders of synthetic armored blocks for the cases a
 * real export never produces. Private-key headers are assembled at run time, so this file holds
 * nothing a secret scanner would flag.
 */

/** Armored public keys with the fingerprints GnuPG printed for them. */
export const PGP_KEYS = {
  /** `Platform A <a@test>`, ed25519 signing key. */
  ed25519: {
    armored: [
    '-----BEGIN PGP PUBLIC KEY BLOCK-----',
    '',
    'mDMEawExohYJKwYBBAHaRw8BAQdA1dfqn2h3ilRxrAXttU2ZeSRVWnF1w0xbGQRm',
    'jzQ0yRS0E1BsYXRmb3JtIEEgPGFAdGVzdD6IkAQTFggAOBYhBJAYC5V7Awi93R7c',
    'w/6oJCh0lnr0BQJrATGiAhsDBQsJCAcCBhUKCQgLAgQWAgMBAh4BAheAAAoJEP6o',
    'JCh0lnr0cggBAJ3OiYZT0Kx/USqTJqnxapiJbSO9ErBKqiK36PfWpYa8AP9TC7h6',
    'MQmPKeq+sTWewunITyNWO5x8+5vbkh0IynJSAQ==',
    '=NoTk',
    '-----END PGP PUBLIC KEY BLOCK-----',
  ].join('\n') + '\n',
    fingerprint: '90180B957B0308BDDD1EDCC3FEA8242874967AF4',
  },
  /** `Platform B <b@test>`, RSA 3072 signing key. */
  rsa3072: {
    armored: [
    '-----BEGIN PGP PUBLIC KEY BLOCK-----',
    '',
    'mQGNBGsBMaIBDADBrE4iqmdroIjqsxHCSzRhvf9/C2aws6jEXkYZCjVuIZuZxLSO',
    'q+m6nO0/diys1ofQxlz8UrU7e2+GM6HbUu1PKwn3Prjal4qdZLSYfAxtFZzsuFas',
    'z5TZeI+v7zqEYOZETz51Gdua5Ex7jsB0gY0LcK/E3uh8giOfndD2tf1Pw0HuylKp',
    'e4jzMWCoM6cazzioyovVw74rULxNnWdni5YZaSO5nUWEFkyOEJNl0rL5j8p7lpmp',
    'oFi30kLbzl4ebvShUkqD+HQDDCBfJ9smjox/+NWhaGG9+QBs9a+xi462VDD96xfm',
    '0PwGXuBKJWeigT1flEekjnFgYrkLnGQB8u/In7h3MJo+w6qiajnx5LHDrU8UgHPg',
    'LjS6YaGYSbHNd5PM/XBm59sXIr9ImtfywJm+3OWGtd5lTDYq/WXzoKaXkqWSSe2Z',
    'bWlur14jC4gcAe2txl+MtEC3rFaNy3M3Yu2EM4sF5Udj9ecKlENCthDw1EA04SDi',
    'H/L0uu4W4WcGockAEQEAAbQTUGxhdGZvcm0gQiA8YkB0ZXN0PokBzgQTAQoAOBYh',
    'BDth1FzKBmpZlaloakLJAE3oy6/aBQJrATGiAhsDBQsJCAcCBhUKCQgLAgQWAgMB',
    'Ah4BAheAAAoJEELJAE3oy6/aqxAL/36sCZOiYCtVqCHQBDm74rb1AKKq1ZTcmgef',
    'v5vT0o7UsfSz6IVlQWB8cLfEhrmCuOQ2Y8IvZkHDrHXxghzFcVVSYqnIxgBSJvJW',
    'rR0yOQmVGgfB6s4MuXWqqolUGjVoUItTvrt5a2TkrdA7VjPvsXvGA3O7F4B9fTri',
    'ZYR8/A7JvVG6BUpoQNlUXmBbJl2+5eDEQCmh7yqP9ApS3OYeSZRVvo/SUsfPAZME',
    'HfLRJh5ycJ7u/MAYlzRryNk6cPhY2aEMWcyGaYxXagbH+dVIvnHtz/nL0XpqRnsB',
    'iA1yRQuz85gs7kaLv4o6FIbFST/7PKGy9akl1QFcBQiqZV805bdL9pV006JeYteE',
    'rkh/bp/SBiR7FVJQMeQOBXTo0H3B/yYIE/98lAnik2khpYy3p44OTTIXFDlI2iG6',
    'zuVAXAg9mjZABxSzBT3LfvoX4RgOVx+ImSPym3L365Bi/96hAy17gapL4BYr1bt8',
    '4X3J2VaYMiXTmb7zBdrX/tDWOj8yUg==',
    '=YKNV',
    '-----END PGP PUBLIC KEY BLOCK-----',
  ].join('\n') + '\n',
    fingerprint: '3B61D45CCA066A5995A9686A42C9004DE8CBAFDA',
  },
} as const;

const dashes = '-----';

/** Armor header and footer lines of a block type, e.g. `PGP PUBLIC KEY BLOCK`. */
export function armorLines(type: string): { begin: string; end: string } {
  return { begin: `${dashes}BEGIN ${type}${dashes}`, end: `${dashes}END ${type}${dashes}` };
}

/** A new-format OpenPGP packet (RFC 4880 section 4.2) with a one-octet length. */
export function packet(tag: number, body: readonly number[]): Buffer {
  return Buffer.from([0xc0 | tag, body.length, ...body]);
}

/** Armors binary data as a block of `type`, without a checksum line (which RFC 4880 makes optional). */
export function armor(data: Buffer, type = 'PGP PUBLIC KEY BLOCK'): string {
  const { begin, end } = armorLines(type);
  const lines = data.toString('base64').match(/.{1,64}/g) ?? [];
  return [begin, '', ...lines, end, ''].join('\n');
}

/** Body text of a fake pasted private key block; tests assert it never appears in an error. */
export const PGP_PRIVATE_BODY = 'lFgEawExohYJKwYBBAHaRw8BAQdAnotarealkeynotarealkeynotarealkey0AAQCl';

/** A pasted `PGP PRIVATE KEY BLOCK` (fake body). */
export function pgpPrivateKeyBlock(): string {
  const { begin, end } = armorLines('PGP PRIVATE KEY BLOCK');
  return [begin, '', PGP_PRIVATE_BODY, end, ''].join('\n');
}
