/**
 * The committed server type table (`lib/hetzner.ts`): deprecated types point at an orderable
 * replacement a running server can be resized to, the spec's JSON Schema offers only orderable
 * types, and every default and example uses one.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse } from 'yaml';
import { ORDERABLE_SERVER_TYPES, SERVER_TYPES } from '../../lib/hetzner';
import { DEFAULT_CONTROL_PLANE_SERVER_TYPE, sovereignJsonSchema } from '../../lib/spec/schema';
import { ROOT } from '../support/synth';

type Json = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any

describe('server type table', () => {
  const deprecated = Object.values(SERVER_TYPES).filter((t) => t.deprecated);

  it('marks exactly CX Gen2 (cx22-cx52) and CPX Gen1 (cpx11-cpx51) deprecated, unavailable after 2025-12-31', () => {
    expect(deprecated.map((t) => t.name).sort()).toEqual(['cpx11', 'cpx21', 'cpx31', 'cpx41', 'cpx51', 'cx22', 'cx32', 'cx42', 'cx52']);
    for (const t of deprecated) expect(t.deprecated!.unavailableAfter).toBe('2025-12-31');
  });

  it('lists the current families as orderable', () => {
    expect(ORDERABLE_SERVER_TYPES).toEqual([
      'cax11', 'cax21', 'cax31', 'cax41',
      'ccx13', 'ccx23', 'ccx33', 'ccx43', 'ccx53', 'ccx63',
      'cpx12', 'cpx22', 'cpx32', 'cpx42', 'cpx52', 'cpx62',
      'cx23', 'cx33', 'cx43', 'cx53',
    ]);
  });

  it.each(deprecated.map((t) => [t.name, t.deprecated!.replacement]))('%s is replaced by %s: orderable, same architecture, offered wherever it was, no less memory or disk', (name, replacement) => {
    const old = SERVER_TYPES[name]!;
    const next = SERVER_TYPES[replacement]!;
    expect(next.deprecated).toBeUndefined();
    expect(next.architecture).toBe(old.architecture);
    expect(next.cpuType).toBe(old.cpuType);
    for (const location of old.locations) expect(next.locations).toContain(location);
    // Hetzner resizes a server only to a type with at least its disk.
    expect(next.memoryGiB).toBeGreaterThanOrEqual(old.memoryGiB);
    expect(next.diskGB).toBeGreaterThanOrEqual(old.diskGB);
  });

  it('gives every type vCPUs, memory, disk and locations', () => {
    for (const t of Object.values(SERVER_TYPES)) {
      expect([t.name, t.vcpu > 0, t.memoryGiB > 0, t.diskGB >= 40, t.locations.length > 0]).toEqual([t.name, true, true, true, true]);
    }
  });
});

describe('the spec offers only orderable server types', () => {
  it('the JSON Schema enumerates the orderable types for the control plane and the pools', () => {
    const region = (sovereignJsonSchema() as Json).properties.spec.properties.regions.items;
    expect(region.properties.controlPlane.properties.serverType.enum).toEqual(ORDERABLE_SERVER_TYPES);
    expect(region.properties.workerPools.items.properties.serverType.enum).toEqual(ORDERABLE_SERVER_TYPES);
    expect(region.properties.controlPlane.properties.serverType.default).toBe(DEFAULT_CONTROL_PLANE_SERVER_TYPE);
  });

  it('the default control plane type is orderable', () => {
    expect(SERVER_TYPES[DEFAULT_CONTROL_PLANE_SERVER_TYPE]!.deprecated).toBeUndefined();
  });

  it.each(readdirSync(join(ROOT, 'examples')).filter((f) => f.endsWith('.yaml')))('examples/%s names only orderable types', (file) => {
    const spec = parse(readFileSync(join(ROOT, 'examples', file), 'utf8'));
    const types: string[] = spec.spec.regions.flatMap((r: Json) => [r.controlPlane?.serverType, r.natGateway?.serverType, ...(r.workerPools ?? []).map((p: Json) => p.serverType)]).filter(Boolean);
    expect(types.length).toBeGreaterThan(0);
    for (const t of types) expect(ORDERABLE_SERVER_TYPES).toContain(t);
  });
});
