import { z } from 'zod';
import type { BlueprintMetadata, BlueprintProps } from '../../lib/blueprint';
import type { Cluster } from '../../lib/cluster';
import { chartPin } from '../../lib/versions';
import { allow, componentMetadata, resources } from '../common';
import { HELM_PROPS_SCHEMA, HelmBlueprint } from '../helm';
import { Cilium } from './cilium';

/** Falco rule priorities, most severe first (https://falco.org/docs/concepts/rules/basic-elements/#priority). */
export const FALCO_PRIORITIES = ['emergency', 'alert', 'critical', 'error', 'warning', 'notice', 'informational', 'debug'] as const;

/** A Falco rule priority. */
export type FalcoPriority = (typeof FALCO_PRIORITIES)[number];

/** Props of the Falco Blueprint. */
export interface FalcoProps extends BlueprintProps {
  /**
   * Run the modern eBPF probe with the capabilities it needs (`CAP_SYS_RESOURCE`, `CAP_BPF`,
   * `CAP_PERFMON`, `CAP_SYS_PTRACE`) instead of a privileged container
   * (`driver.modernEbpf.leastPrivileged`). The namespace stays `privileged` either way: Falco mounts
   * host paths.
   * @default false (the chart's default: a privileged container, which works on every kernel setting)
   */
  readonly leastPrivileged?: boolean;
  /** Least severe rule priority Falco reports. @default 'notice' (the reference's choice; the chart's is `debug`) */
  readonly minimumPriority?: FalcoPriority;
  /** Write events as JSON lines (for log pipelines) rather than text. @default true */
  readonly jsonOutput?: boolean;
}

/**
 * Falco: runtime threat detection. A DaemonSet on every node (control plane included) reads the
 * kernel's system calls and reports those that match its rules (a shell in a container, a write below
 * `/etc`, a read of a credential file) to its log, one JSON event per line.
 *
 * Driver: `modern_ebpf`. Hetzner's x86 (Intel/AMD) and arm (Ampere) servers run Ubuntu 24.04, kernel
 * 6.8 with BTF, and the modern probe is CO-RE: compiled into the Falco binary for x86_64 and aarch64,
 * it needs kernel 5.8 or newer and nothing else — no kernel headers, no download of a prebuilt
 * module, no driver-loader init container (the chart skips it for this kind). `kmod` and the legacy
 * `ebpf` probe need an artifact per exact kernel from download.falco.org (a new Ubuntu kernel breaks
 * Falco until one is published); `auto` (the chart's default) would choose the modern probe on these
 * kernels anyway, but adds the driver-loader init container, mounts `/dev` and `/sys/module` and
 * creates a Role and RoleBinding for the fallback (checked with `helm template` of the pinned chart). The reference forces `modern-bpf`, the chart's deprecated alias of this kind.
 *
 * Pod Security `privileged`: Falco mounts host paths (`/proc`, `/etc`, `/boot`, `/lib/modules`,
 * `/usr`, `/sys/kernel`, the container runtime sockets, among them k3s's containerd at
 * `/run/k3s/containerd`), and baseline forbids host
 * paths and the added capabilities; the container is privileged unless `leastPrivileged`.
 *
 * falcoctl's init container installs the rules (`falco-rules:5`) and the container metadata plugin
 * from falcosecurity's index and ghcr.io at start (internet 443). Its follower sidecar, which would
 * install newer rules every week behind GitOps' back, is off: rules change with the chart pin.
 * Falcosidekick is off (no SIEM sink in the kit; Falco logs to stdout, where a log collector picks
 * the events up), the Kubernetes metadata collector too (it needs its own collector Deployment), so
 * Falco needs no Kubernetes API. Requests are the chart's (100m, 512 MiB) per node: the metadata
 * counts one node's pod.
 *
 * Source: chart `falco` (`CHARTS.falco`, https://github.com/falcosecurity/charts/tree/master/charts/falco),
 * https://falco.org/docs/concepts/event-sources/kernel/; reference kit slot 31.
 */
export class Falco extends HelmBlueprint<FalcoProps> {
  /** The props a spec may set (`spec.blueprints.props.falco`). */
  static readonly propsSchema = HELM_PROPS_SCHEMA.extend({
    leastPrivileged: z.boolean().optional().describe('Run the modern eBPF probe with capabilities instead of a privileged container; default false'),
    minimumPriority: z.literal(FALCO_PRIORITIES, { error: `must be one of ${FALCO_PRIORITIES.join(', ')}` }).optional().describe('Least severe rule priority reported; default notice'),
    jsonOutput: z.boolean().optional().describe('Write events as JSON lines; default true'),
  }) satisfies z.ZodType<FalcoProps>;

  /** Catalog metadata: bootstrap kit slot 31, namespace falco, after Cilium (the reference: no eBPF probe races while Cilium loads its programs). */
  static readonly metadata: BlueprintMetadata = componentMetadata({
    name: 'falco',
    title: 'Falco',
    category: 'security',
    tier: 'bootstrap-kit',
    summary: 'Detects threats at run time from the kernel\'s system calls on every node.',
    pin: chartPin('falco'),
    kitSlot: 31,
    podSecurity: { level: 'privileged', reason: 'Falco mounts host paths (/proc, /etc, /sys/kernel, the container runtime sockets) and loads an eBPF probe from a privileged container (or one with CAP_BPF, CAP_PERFMON, CAP_SYS_RESOURCE and CAP_SYS_PTRACE); baseline forbids both' },
    dependsOn: [Cilium],
    placementModes: ['active-active', 'single-region'],
    resources: { cpuMillis: 100, memoryMiB: 512 },
    network: {
      egress: [allow.internet([443], 'falcoctl installs the Falco rules and the container plugin at start (falcosecurity.github.io index, ghcr.io artifacts)')],
    },
  });

  /** Values of the pinned chart: the modern eBPF driver, rules priority and JSON output, falcoctl without its follower, no sidekick. */
  protected curatedValues(_ctx: Cluster): Record<string, unknown> {
    const p = this.props;
    return {
      driver: { enabled: true, kind: 'modern_ebpf', modernEbpf: { leastPrivileged: p.leastPrivileged ?? false } },
      collectors: { kubernetes: { enabled: false } },
      falco: { json_output: p.jsonOutput ?? true, priority: p.minimumPriority ?? 'notice' },
      falcoctl: { artifact: { install: { enabled: true }, follow: { enabled: false } } },
      falcosidekick: { enabled: false },
      metrics: { enabled: false },
      serviceMonitor: { create: false },
      resources: resources('100m', '512Mi', '1024Mi'),
    };
  }
}
