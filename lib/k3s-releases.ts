/**
 * The k3s releases catalyst-cdk knows, so a spec can only name a k3s version that was published.
 *
 * Source: the k3s release notes, one page per Kubernetes minor (https://docs.k3s.io/release-notes/v1.37.X
 * and the pages of the other lines, with https://github.com/k3s-io/k3s/releases), read on
 * {@link K3S_RELEASES_AS_OF}: each line lists the releases named in those notes (tables, release
 * pages and their "changes since" references). Patch releases the stored notes did not show, and
 * releases published later, are added here (one entry) — the validation error says so.
 *
 * k3s follows the Kubernetes support policy (https://kubernetes.io/releases/patch-releases/#support-period):
 * the three newest minor lines are maintained. Clusters move one minor at a time
 * (https://kubernetes.io/releases/version-skew-policy/), so older lines stay listed for stepping through.
 */

/** Date (UTC, ISO 8601) the release list was last read from the k3s release notes. */
export const K3S_RELEASES_AS_OF = '2026-09-30';

/**
 * Known k3s releases per minor line (`v1.<minor>`), oldest first. A release name is
 * `v<kubernetes version>+k3s<build>`; a rebuild of the same Kubernetes version raises the build
 * number (e.g. `v1.35.0+k3s3`).
 */
export const K3S_RELEASES: Readonly<Record<string, readonly string[]>> = {
  'v1.31': ['v1.31.0+k3s1', 'v1.31.1+k3s1', 'v1.31.2+k3s1', 'v1.31.3+k3s1', 'v1.31.4+k3s1'],
  'v1.32': ['v1.32.0+k3s1', 'v1.32.1+k3s1', 'v1.32.2+k3s1', 'v1.32.3+k3s1', 'v1.32.4+k3s1', 'v1.32.5+k3s1', 'v1.32.6+k3s1', 'v1.32.7+k3s1', 'v1.32.8+k3s1', 'v1.32.9+k3s1', 'v1.32.10+k3s1'],
  'v1.33': ['v1.33.0+k3s1', 'v1.33.1+k3s1', 'v1.33.2+k3s1', 'v1.33.3+k3s1', 'v1.33.4+k3s1', 'v1.33.5+k3s1', 'v1.33.6+k3s1', 'v1.33.7+k3s1'],
  'v1.34': ['v1.34.1+k3s1', 'v1.34.2+k3s1', 'v1.34.8+k3s1', 'v1.34.9+k3s1'],
  'v1.35': ['v1.35.0+k3s1', 'v1.35.0+k3s3', 'v1.35.1+k3s1', 'v1.35.2+k3s1', 'v1.35.3+k3s1', 'v1.35.4+k3s1', 'v1.35.5+k3s1', 'v1.35.6+k3s1'],
  'v1.36': ['v1.36.0+k3s1', 'v1.36.1+k3s1', 'v1.36.2+k3s1', 'v1.36.3+k3s1'],
  'v1.37': ['v1.37.0+k3s1', 'v1.37.1+k3s1'],
};

/** Upstream-maintained minor lines at {@link K3S_RELEASES_AS_OF}: the three newest of the table. */
export const K3S_SUPPORTED_LINES: readonly string[] = Object.keys(K3S_RELEASES).sort(compareLines).slice(-3);

/** `v1.37.1+k3s1` → `v1.37`; undefined when the text is not a k3s release name. */
export function k3sLine(version: string): string | undefined {
  return /^(v\d+\.\d+)\.\d+\+k3s\d+$/.exec(version)?.[1];
}

/** Orders `v1.9` before `v1.10`. */
function compareLines(a: string, b: string): number {
  const [, aMajor = 0, aMinor = 0] = a.split(/[v.]/).map(Number);
  const [, bMajor = 0, bMinor = 0] = b.split(/[v.]/).map(Number);
  return aMajor - bMajor || aMinor - bMinor;
}

/** Whether `version` is a known k3s release. */
export function isKnownK3sRelease(version: string): boolean {
  const line = k3sLine(version);
  return line !== undefined && (K3S_RELEASES[line] ?? []).includes(version);
}

/**
 * The known releases nearest to an unknown `version`: the releases of its own line when that line is
 * known, else the newest release of the closest known lines below and above it.
 */
export function nearestK3sReleases(version: string): string[] {
  const line = k3sLine(version);
  if (line && K3S_RELEASES[line]) return [...K3S_RELEASES[line]!];
  const lines = Object.keys(K3S_RELEASES).sort(compareLines);
  const newest = (l: string) => K3S_RELEASES[l]!.at(-1)!;
  if (!line) return [newest(lines.at(-1)!)];
  const below = lines.filter((l) => compareLines(l, line) < 0).at(-1);
  const above = lines.find((l) => compareLines(l, line) > 0);
  return [below, above].filter((l): l is string => l !== undefined).map(newest);
}
