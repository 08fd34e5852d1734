/**
 * The careful side of the careless-input checks: what looks like a mistake but is fine is accepted
 * (typographic text in free-text fields, a stray `---`, modest aliases, a public IPv4-mapped block),
 * and what is refused shows the invisible characters escaped in the message a user reads.
 */
import { specWarnings } from '../../lib/spec/validate';
import { findSuspicious, escapeSuspicious } from '../../lib/characters';
import { isInternetWide, mappedIpv4, nonPublicRange } from '../../lib/net';
import { parseSpec } from '../../lib/spec/load';
import { OPTIONS, specErrorOf, yamlOf } from './fixtures';

const BASE = yamlOf();

describe('accepted look-alikes', () => {
  it('typographic quotes and dashes in the display name and in raw Helm values', () => {
    const spec = parseSpec(
      yamlOf((d) => {
        d.spec.organization.displayName = 'O\u2019Brien & Sons \u2014 \u201cRetail\u201d';
        d.spec.blueprints = { values: { 'cert-manager': { extraEnv: [{ name: 'BANNER', value: 'Welcome \u2013 sign in\u2026' }] } } };
      }),
      OPTIONS,
    );
    expect(spec.spec.organization.displayName).toBe('O\u2019Brien & Sons \u2014 \u201cRetail\u201d');
    expect(spec.spec.blueprints.values['cert-manager']).toEqual({ extraEnv: [{ name: 'BANNER', value: 'Welcome \u2013 sign in\u2026' }] });
  });

  it('a file that starts with --- and ends with a stray ---, and one with a byte order mark', () => {
    expect(parseSpec(`---\n${BASE}---\n`, OPTIONS).metadata.name).toBe('acme');
    expect(parseSpec(`\ufeff${BASE}`, OPTIONS).metadata.name).toBe('acme');
  });

  it('a few aliases, expanded', () => {
    const text = BASE.replace('        serverType: cx43\n', '        serverType: &type cx43\n').replace('          serverType: cx33\n', '          serverType: *type\n');
    expect(text).toContain('*type');
    expect(parseSpec(text, OPTIONS).spec.regions[0]!.workerPools[0]!.serverType).toBe('cx43');
  });

  it('an IPv4-mapped block of public addresses, and ::ffff:0:0/96 when confirmed (with a warning)', () => {
    expect(parseSpec(yamlOf((d) => (d.spec.ssh.allowedCidrs = ['::ffff:203.0.113.0/120'])), OPTIONS).spec.ssh.allowedCidrs).toEqual(['::ffff:203.0.113.0/120']);
    const open = parseSpec(
      yamlOf((d) => {
        d.spec.ssh.allowedCidrs = ['::ffff:0:0/96'];
        d.spec.ssh.allowFromInternet = true;
      }),
      OPTIONS,
    );
    expect(specWarnings(open)).toEqual([{ path: 'spec.ssh.allowedCidrs[0]', value: '::ffff:0:0/96', message: 'opens SSH (22) to the whole internet' }]);
  });
});

describe('IPv4-mapped IPv6 sources', () => {
  it.each([
    ['::ffff:0:0/96', '0.0.0.0/0', true],
    ['::ffff:0.0.0.0/96', '0.0.0.0/0', true],
    ['::ffff:128.0.0.0/97', '128.0.0.0/1', true],
    ['::ffff:203.0.113.0/120', '203.0.113.0/24', false],
    ['::ffff:10.0.0.0/104', '10.0.0.0/8', false],
  ])('%s stands for %s (internet-wide: %s)', (cidr, ipv4, wide) => {
    expect(mappedIpv4(cidr)).toBe(ipv4);
    expect(isInternetWide(cidr)).toBe(wide);
  });

  it('an IPv6 block that contains the whole mapped range is internet-wide; one beside it is not', () => {
    expect(isInternetWide('::/80')).toBe(true);
    expect(isInternetWide('::/96')).toBe(false);
    expect(mappedIpv4('2001:db8::/96')).toBeUndefined();
  });

  it('a block inside a private range is never internet-wide, however large', () => {
    expect(nonPublicRange('fc00::/7')).toEqual({ cidr: 'fc00::/7', what: 'a private range (IPv6 unique local addresses, RFC 4193)' });
    expect(isInternetWide('fc00::/7')).toBe(false);
    expect(nonPublicRange('10.0.0.0/7')).toBeUndefined();
  });
});

describe('invisible characters in messages', () => {
  it('are escaped and named in the formatted message, not printed raw', () => {
    const err = specErrorOf(yamlOf((d) => (d.spec.regions[0].location = 'fsn\u200b1')));
    expect(err.message).toContain('spec.regions[0].location: "fsn\\u200b1": contains U+200B ZERO WIDTH SPACE (\\u200b) at character 4; delete it');
    expect(err.message).not.toContain('\u200b');
  });

  it('each kind is reported once per field with its count', () => {
    expect(findSuspicious('a\u00a0b\u00a0c\u2013d')).toEqual([
      { codePoint: 0xa0, name: 'NO-BREAK SPACE', kind: 'invisible', replacement: ' ', position: 2, count: 2 },
      { codePoint: 0x2013, name: 'EN DASH', kind: 'typographic', replacement: '-', position: 6, count: 1 },
    ]);
    expect(findSuspicious('a\u2013b', ['invisible'])).toEqual([]);
    expect(escapeSuspicious('\u201cx\u201d')).toBe('\\u201cx\\u201d');
  });

  it('a problem in a field replaces the follow-on problems of the same field, not the problems of other fields', () => {
    const problems = specErrorOf(
      yamlOf((d) => {
        d.spec.regions[0].location = 'fsn\u200b1';
        d.spec.regions[0].controlPlane.count = 2;
      }),
    ).problems;
    expect(problems.map((p) => [p.path, p.message.slice(0, 20)])).toEqual([
      ['spec.regions[0].location', 'contains U+200B ZERO'],
      ['spec.regions[0].controlPlane.count', 'must be 1 or 3: embe'],
    ]);
  });
});
