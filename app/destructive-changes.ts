/**
 * The guard against changes that destroy quietly: compares a stack's new Terraform JSON with the one
 * the previous synth wrote (`cdktf.out/stacks/<stack>/cdk.tf.json`) and names every change that
 * Terraform would carry out by destroying or taking down what a running cluster needs:
 *
 * - a control plane server removed (e.g. 3 → 1): Terraform destroys it, and with it an etcd member;
 * - the control plane server type changed: Terraform resizes every control plane server at once
 *   (each is powered off for the resize), so the API and etcd go down together;
 * - a pool's server type changed: Terraform resizes every server of the pool at once, without
 *   draining them.
 *
 * Pool type changes are not rolled automatically: Terraform has no way to resize servers one after
 * another with a drain in between, and a generation in the addresses would destroy the old servers in
 * the same apply that creates the new ones. The safe way is a new pool next to the old one, which
 * each message spells out. `Sovereign.synthesize` refuses these changes unless `allowDestructive`.
 */
import { SynthError } from '../lib/errors';
import { LABELS } from '../lib/naming';

/** The parts of a stack's Terraform JSON the guard reads. */
export interface StackJson {
  /** Terraform's `resource` block: resource type → resource name → arguments, e.g. `hcloud_server.control_plane_1.server_type`. @default none: a stack without resources */
  readonly resource?: Readonly<Record<string, Readonly<Record<string, Readonly<Record<string, unknown>>>>>>;
}

/** One destructive change between two synths of a stack. */
export interface DestructiveChange {
  /** Stack name, e.g. `bank-hz-fsn-rtz-prod`. */
  readonly stack: string;
  /** Terraform address concerned, e.g. `hcloud_server.control_plane_3`, or `pool <name>` for a pool. */
  readonly address: string;
  /** What Terraform would do and how to reach the goal safely. */
  readonly message: string;
}

/** The `hcloud_server` resources of a stack with their type, name and labels. */
function servers(tf: StackJson): Map<string, { type: string; name: string; labels: Record<string, string> }> {
  const out = new Map<string, { type: string; name: string; labels: Record<string, string> }>();
  for (const [address, body] of Object.entries(tf.resource?.hcloud_server ?? {})) {
    out.set(address, { type: String(body.server_type), name: String(body.name), labels: (body.labels ?? {}) as Record<string, string> });
  }
  return out;
}

const CONTROL_PLANE = /^control_plane_\d+$/;

/**
 * Destructive changes from `previous` to `next` of one stack, in address order; empty when there
 * are none.
 *
 * @param stack the stack name, for the messages
 * @param previous the stack's Terraform JSON as the previous synth wrote it
 * @param next the stack's new Terraform JSON
 */
export function destructiveChanges(stack: string, previous: StackJson, next: StackJson): DestructiveChange[] {
  const before = servers(previous);
  const after = servers(next);
  const changes: DestructiveChange[] = [];
  const controlPlane = (m: typeof before) => [...m.keys()].filter((a) => CONTROL_PLANE.test(a)).sort();
  const cpBefore = controlPlane(before);
  const cpAfter = controlPlane(after);
  for (const address of cpBefore.filter((a) => !after.has(a))) {
    changes.push({
      stack,
      address: `hcloud_server.${address}`,
      message: `the control plane goes from ${cpBefore.length} to ${cpAfter.length} servers: Terraform would destroy ${before.get(address)!.name}, an etcd member, with its data. Shrink one server at a time: kubectl drain it, kubectl delete node it (k3s removes its etcd member), then synthesize with --allow-destructive`,
    });
  }
  const resized = cpAfter.filter((a) => before.has(a) && before.get(a)!.type !== after.get(a)!.type);
  if (resized.length > 0) {
    const [from, to] = [before.get(resized[0]!)!.type, after.get(resized[0]!)!.type];
    changes.push({
      stack,
      address: resized.map((a) => `hcloud_server.${a}`).join(', '),
      message: `the control plane server type changes from ${from} to ${to}: Terraform would resize ${resized.length === 1 ? 'the control plane server' : `all ${resized.length} control plane servers at once`}, powering ${resized.length === 1 ? 'it' : 'each'} off, so the Kubernetes API and etcd go down. Resize one server at a time yourself (kubectl drain, hcloud server change-type <server> ${to}, wait until the node is Ready, then the next), then synthesize with --allow-destructive: Terraform finds nothing left to change`,
    });
  }
  const pools = new Map<string, { from: string; to: string; servers: number }>();
  for (const [address, now] of after) {
    const pool = now.labels[LABELS.pool];
    const was = before.get(address);
    if (!pool || CONTROL_PLANE.test(address) || !was || was.labels[LABELS.pool] !== pool || was.type === now.type) continue;
    const entry = pools.get(pool) ?? { from: was.type, to: now.type, servers: 0 };
    pools.set(pool, { ...entry, servers: entry.servers + 1 });
  }
  for (const [pool, { from, to, servers: n }] of [...pools].sort(([a], [b]) => a.localeCompare(b))) {
    changes.push({
      stack,
      address: `pool ${pool}`,
      message: `the server type of pool ${pool} changes from ${from} to ${to}: Terraform would resize its ${n} server${n === 1 ? '' : 's'} at once, powering each off without draining it. Roll it instead: keep pool ${pool} on ${from}, add a new pool with serverType ${to} and the same count, labels and taints, apply, kubectl drain the nodes of ${pool}, then remove ${pool} from the spec and apply; or synthesize with --allow-destructive`,
    });
  }
  return changes.sort((a, b) => a.address.localeCompare(b.address));
}

/**
 * Thrown by `Sovereign.synthesize` when the new synth would destroy or take down what a running
 * cluster needs and `allowDestructive` is not set. Nothing is written.
 */
export class DestructiveChangeError extends SynthError {
  /** Every destructive change found, by stack and address. Never empty. */
  readonly changes: readonly DestructiveChange[];

  constructor(changes: readonly DestructiveChange[], terraformOut: string) {
    const lines = changes.map((c) => `  - ${c.stack}: ${c.address}: ${c.message}`);
    super(
      `compared with the previous synth in ${terraformOut}, ${changes.length === 1 ? 'this change destroys' : `these ${changes.length} changes destroy`} what the running cluster needs:\n${lines.join('\n')}\n` +
        'to go ahead anyway, synthesize with --allow-destructive (library: synthesize({ ..., allowDestructive: true }))',
    );
    this.name = 'DestructiveChangeError';
    this.changes = changes;
  }
}
