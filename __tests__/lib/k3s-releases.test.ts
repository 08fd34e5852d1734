import { isKnownK3sRelease, K3S_RELEASES, K3S_SUPPORTED_LINES, k3sLine, nearestK3sReleases } from '../../lib/k3s-releases';
import { NODE_SOFTWARE } from '../../lib/versions';

describe('the table of known k3s releases', () => {
  it('files every release under its own minor line, once, oldest first', () => {
    for (const [line, releases] of Object.entries(K3S_RELEASES)) {
      expect(releases.length).toBeGreaterThan(0);
      for (const r of releases) expect({ r, line: k3sLine(r) }).toEqual({ r, line });
      expect(new Set(releases).size).toBe(releases.length);
      const order = (v: string) => /^v\d+\.\d+\.(\d+)\+k3s(\d+)$/.exec(v)!.slice(1).map(Number);
      const sorted = [...releases].sort((a, b) => {
        const [x, y] = [order(a), order(b)];
        return x[0]! - y[0]! || x[1]! - y[1]!;
      });
      expect(releases).toEqual(sorted);
    }
  });

  it('defaults new clusters to the newest release of the newest maintained line', () => {
    expect(K3S_SUPPORTED_LINES).toEqual(['v1.35', 'v1.36', 'v1.37']);
    expect(NODE_SOFTWARE.k3s).toBe(K3S_RELEASES[K3S_SUPPORTED_LINES.at(-1)!]!.at(-1));
    expect(isKnownK3sRelease(NODE_SOFTWARE.k3s)).toBe(true);
  });

  it('tells known from unknown releases and names the nearest known ones', () => {
    expect(isKnownK3sRelease('v1.36.3+k3s1')).toBe(true);
    expect(isKnownK3sRelease('v1.36.3+k3s2')).toBe(false);
    expect(isKnownK3sRelease('v1.36.3')).toBe(false);
    expect(nearestK3sReleases('v1.36.9+k3s1')).toEqual(['v1.36.0+k3s1', 'v1.36.1+k3s1', 'v1.36.2+k3s1', 'v1.36.3+k3s1']);
    expect(nearestK3sReleases('v1.30.14+k3s2')).toEqual(['v1.31.4+k3s1']);
    expect(nearestK3sReleases('v1.99.0+k3s1')).toEqual(['v1.37.1+k3s1']);
    expect(nearestK3sReleases('v2.1.0+k3s1')).toEqual(['v1.37.1+k3s1']);
  });
});
