/**
 * What Blueprint files share, so each file holds only what is particular to its component: a
 * metadata factory deriving the fields that follow from the name and the pin, restricted security
 * contexts, resource requests, "an existing Secret, else one generated at bootstrap", network rule
 * builders, and the preset for Bitnami charts.
 */
import { z } from 'zod';
import type { BlueprintMetadata, GeneratedSecret, NetworkPort, NetworkRule, PodSecurity } from '../lib/blueprint';
import type { ChartPin, ImagePin, ManifestsPin } from '../lib/versions';
import { BITNAMI_ALLOW_LEGACY_IMAGES, BITNAMI_LEGACY_IMAGE, BITNAMI_OWN_NETWORK_POLICY } from './bitnami';
import type { ValueReason } from './helm';

/** The fields of `BlueprintMetadata` a Blueprint file states; `componentMetadata` derives the rest. */
export type ComponentFields = Omit<BlueprintMetadata, 'title' | 'namespace' | 'releaseName' | 'sources' | 'dependsOn' | 'installsCrds' | 'chart' | 'manifests' | 'images' | 'podSecurity'> &
  Partial<Pick<BlueprintMetadata, 'title' | 'namespace' | 'releaseName' | 'dependsOn' | 'installsCrds'>> & {
    /**
     * The pinned chart (`CHARTS`) or Git manifests (`MANIFESTS`) the Blueprint installs, or, for
     * objects it renders itself, the images they run (`RenderedPin`).
     */
    readonly pin: ChartPin | ManifestsPin | RenderedPin;
    /**
     * Pod Security level of the namespace and why; a bare reason means `restricted`.
     * @default none: required
     */
    readonly podSecurity: string | PodSecurity;
    /** Slot of the reference bootstrap kit (`catalog/bootstrap-kit.json`), when the Blueprint has one. @default none */
    readonly kitSlot?: number;
    /** Sources beyond the pin's docs, the reference catalog entry and the kit slot. @default none */
    readonly moreSources?: readonly string[];
  };

/** What a Blueprint that renders its own objects pins: the images they run, and the upstream documentation. */
export interface RenderedPin {
  /** Every image the objects run (entries of `IMAGES`). */
  readonly images: readonly ImagePin[];
  /** Upstream project documentation, for the sources. */
  readonly docs: string;
}

/**
 * Builds a Blueprint's metadata from the fields its file states, deriving the rest from the name
 * and the pin: title, namespace and Helm release name default to the name; `chart`, `manifests` or
 * `images` comes from the pin; sources are the pin's docs, the reference catalog entry
 * (`catalog/components.json#<name>`) and the kit slot; no dependencies and no CRDs by default.
 */
export function componentMetadata(fields: ComponentFields): BlueprintMetadata {
  const { pin, kitSlot, moreSources, podSecurity, ...rest } = fields;
  const part = 'chart' in pin ? { chart: pin, releaseName: fields.releaseName ?? fields.name } : 'images' in pin ? { images: pin.images } : { manifests: pin };
  return {
    ...rest,
    title: fields.title ?? fields.name,
    namespace: fields.namespace ?? fields.name,
    podSecurity: typeof podSecurity === 'string' ? { level: 'restricted', reason: podSecurity } : podSecurity,
    dependsOn: fields.dependsOn ?? [],
    installsCrds: fields.installsCrds ?? false,
    ...part,
    sources: [pin.docs, `catalog/components.json#${fields.name}`, ...(kitSlot === undefined ? [] : [`catalog/bootstrap-kit.json slot ${kitSlot}`]), ...(moreSources ?? [])],
  };
}

/** The RuntimeDefault seccomp profile, as Pod Security `restricted` requires. */
export const RUNTIME_DEFAULT_SECCOMP = {
  /** The container runtime's default seccomp profile. */
  type: 'RuntimeDefault',
} as const;

/**
 * A pod security context that satisfies Pod Security `restricted`: non-root with the given IDs and
 * the RuntimeDefault seccomp profile (https://kubernetes.io/docs/concepts/security/pod-security-standards/#restricted).
 * @param ids user, group and fsGroup. @default user 1000, group = user, fsGroup = group
 */
export function restrictedPodSecurityContext(ids: { readonly user?: number; readonly group?: number; readonly fsGroup?: number } = {}): Record<string, unknown> {
  const user = ids.user ?? 1000;
  const group = ids.group ?? user;
  return { runAsNonRoot: true, runAsUser: user, runAsGroup: group, fsGroup: ids.fsGroup ?? group, seccompProfile: RUNTIME_DEFAULT_SECCOMP };
}

/**
 * A container security context that satisfies Pod Security `restricted`: no privilege escalation, every
 * capability dropped, non-root, RuntimeDefault seccomp, and a read-only root filesystem unless told otherwise.
 */
export function restrictedContainerSecurityContext(options: { readonly readOnlyRootFilesystem?: boolean } = {}): Record<string, unknown> {
  return {
    allowPrivilegeEscalation: false,
    capabilities: { drop: ['ALL'] },
    readOnlyRootFilesystem: options.readOnlyRootFilesystem ?? true,
    runAsNonRoot: true,
    seccompProfile: RUNTIME_DEFAULT_SECCOMP,
  };
}

/**
 * Kubernetes resources of a container: CPU and memory requests, and a memory limit when given (no CPU
 * limit: throttling hurts latency more than sharing spare CPU does).
 * @param cpu CPU request, a Kubernetes quantity such as `100m`
 * @param memory memory request, e.g. `256Mi`
 * @param memoryLimit memory limit, e.g. `1Gi`. @default none
 */
export function resources(cpu: string, memory: string, memoryLimit?: string): Record<string, unknown> {
  return { requests: { cpu, memory }, ...(memoryLimit ? { limits: { memory: memoryLimit } } : {}) };
}

/** The Secret a Blueprint reads, and the Secret to generate at bootstrap for it. */
export interface SecretChoice {
  /** Name of the Secret the Blueprint reads. */
  readonly name: string;
  /** The Secret to generate (empty when the props name one of their own). */
  readonly generated: GeneratedSecret[];
}

/**
 * The Secret a Blueprint reads: the one the props name, else one generated at bootstrap.
 * @param own the Secret name from the props, if any
 * @param generated the Secret generated when `own` is not set (name, namespaces, keys)
 * @returns the name to read, and the Secret to generate (none when `own` is set)
 */
export function secretOrGenerated(own: string | undefined, generated: GeneratedSecret): SecretChoice {
  return own ? { name: own, generated: [] } : { name: generated.name, generated: [generated] };
}

/** Ports as a network rule takes them: numbers are TCP. */
function ports(list: ReadonlyArray<number | NetworkPort>): NetworkPort[] {
  return list.map((p) => (typeof p === 'number' ? { port: p } : p));
}

/** Builders of network rules (see `NetworkRule` for what each peer selects). */
export const allow = {
  /** To or from the Kubernetes API server; egress defaults to the API port. */
  apiserver: (reason: string, on?: ReadonlyArray<number | NetworkPort>): NetworkRule => ({ peer: 'apiserver', ...(on ? { ports: ports(on) } : {}), reason }),
  /** Public addresses (never private or link-local ranges). */
  internet: (on: ReadonlyArray<number | NetworkPort>, reason: string): NetworkRule => ({ peer: 'internet', ports: ports(on), reason }),
  /** Any source, for ports served through the Cilium Ingress controller (ingress only). */
  anywhere: (on: ReadonlyArray<number | NetworkPort>, reason: string): NetworkRule => ({ peer: 'anywhere', ports: ports(on), reason }),
  /** Every node of the cluster (host-network pods). */
  nodes: (on: ReadonlyArray<number | NetworkPort>, reason: string): NetworkRule => ({ peer: 'nodes', ports: ports(on), reason }),
  /** Every pod of every namespace. */
  cluster: (on: ReadonlyArray<number | NetworkPort>, reason: string): NetworkRule => ({ peer: 'cluster', ports: ports(on), reason }),
  /** Every pod of one namespace. */
  namespace: (namespace: string, on: ReadonlyArray<number | NetworkPort>, reason: string): NetworkRule => ({ peer: 'namespace', namespace, ports: ports(on), reason }),
};

/** One image of a Bitnami chart: where its values are, and its pin. */
export interface BitnamiImage {
  /** Values path of the image block, e.g. `['postgresql', 'image']`. */
  readonly path: readonly string[];
  /** The pin (`IMAGES`). */
  readonly image: ImagePin;
}

/** How a Bitnami chart (or a chart bundling Bitnami subcharts) is set up: where its images and NetworkPolicy switches are. */
export interface BitnamiPresetOptions {
  /** Values paths of the images to pin to `docker.io/bitnamilegacy`, each with its pin (`IMAGES`). */
  readonly images: readonly BitnamiImage[];
  /** Values paths of the charts' own `networkPolicy` blocks, turned off. */
  readonly networkPolicies: ReadonlyArray<readonly string[]>;
  /** Set `global.security.allowInsecureImages` (the Bitnami charts refuse other repositories without it). @default true */
  readonly allowLegacyImages?: boolean;
}

/** What `bitnamiPreset` returns. */
export interface BitnamiPreset {
  /** Values to merge into the curated values. */
  readonly values: Record<string, unknown>;
  /** The reasons to write above those values (see `HelmBlueprint.valueReasons`). */
  readonly reasons: ValueReason[];
}

/** Sets `value` at `path` in nested maps, creating them. */
function setAt(target: Record<string, unknown>, path: readonly string[], value: unknown): void {
  let cur = target;
  for (const key of path.slice(0, -1)) cur = (cur[key] ??= {}) as Record<string, unknown>;
  cur[path[path.length - 1]!] = value;
}

/**
 * The preset for Bitnami charts: pinned `bitnamilegacy` images, the charts' own NetworkPolicies off
 * (they allow all egress and would undo the namespace's default deny), and the legacy-images switch;
 * with the reasons to write above those values.
 * Source: https://github.com/bitnami/containers/issues/83267.
 * @returns values to merge into the curated values, and their reasons
 */
export function bitnamiPreset(options: BitnamiPresetOptions): BitnamiPreset {
  const values: Record<string, unknown> = {};
  const reasons: ValueReason[] = [];
  if (options.allowLegacyImages ?? true) {
    setAt(values, ['global', 'security', 'allowInsecureImages'], true);
    reasons.push({ path: ['global', 'security', 'allowInsecureImages'], reason: BITNAMI_ALLOW_LEGACY_IMAGES });
  }
  for (const { path, image } of options.images) {
    setAt(values, [...path, 'repository'], image.repository);
    if (image.tag !== undefined) setAt(values, [...path, 'tag'], image.tag);
    reasons.push({ path: [...path, 'repository'], reason: BITNAMI_LEGACY_IMAGE });
  }
  for (const path of options.networkPolicies) {
    setAt(values, [...path, 'enabled'], false);
    reasons.push({ path: [...path, 'enabled'], reason: BITNAMI_OWN_NETWORK_POLICY });
  }
  return { values, reasons };
}

/**
 * zod schema of a whole number from `min` to `max` (replicas, counts) for a props schema, with the
 * error a spec author reads: `must be a whole number from 1 to 5` (a fraction is `must be a whole number`).
 */
export function wholeNumber(min: number, max: number): z.ZodNumber {
  const error = `must be a whole number from ${min} to ${max}`;
  return z.number().int().min(min, { error }).max(max, { error });
}

/** A DNS-1123 subdomain: lowercase alphanumeric labels joined by `.`, inner `-` allowed. */
const DNS_SUBDOMAIN = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$/;

/**
 * zod schemas of props fields that recur across Blueprints, for their `propsSchema`, each with a
 * message saying what is allowed (https://kubernetes.io/docs/concepts/overview/working-with-objects/names/).
 * Each call site adds its own `.describe()` text, which editors (JSON Schema) and the API reference show.
 */
export const propsField = {
  /** A Kubernetes object name such as a Secret's (DNS-1123 subdomain, at most 253 characters). */
  objectName: () => z.string().max(253).regex(DNS_SUBDOMAIN, { error: 'must be a Kubernetes object name: lowercase letters, digits, "-" and ".", e.g. my-secret' }),
  /** A DNS host name with at least two labels, e.g. `git.example.org`. */
  hostname: () => z.string().max(253).regex(/^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)+$/, { error: 'must be a lowercase DNS name with at least two labels, e.g. git.example.org' }),
  /** A DNS zone or domain: a lowercase DNS name of at least two labels, optionally with the root's trailing dot. */
  dnsName: () => z.string().max(253).regex(/^([a-z0-9]([-a-z0-9]{0,61}[a-z0-9])?\.)+[a-z0-9]([-a-z0-9]{0,61}[a-z0-9])?\.?$/, { error: 'must be a lowercase DNS name of at least two labels, such as example.org' }),
  /** A volume size: a whole, positive number of Mi, Gi or Ti (a Kubernetes quantity), e.g. `10Gi`. */
  storageSize: () => z.string().regex(/^[1-9]\d*(Mi|Gi|Ti)$/, { error: 'must be a Kubernetes quantity such as 10Gi (a whole number of Mi, Gi or Ti)' }),
  /** A number of replicas: a whole number of at least 1. */
  replicas: () => z.number().int().min(1, { error: 'must be at least 1' }),
  /** A key of a Secret: letters, digits, '-', '_' and '.'. */
  secretKey: () => z.string().max(253).regex(/^[-._a-zA-Z0-9]+$/, { error: "must be a Secret key: letters, digits, '-', '_' and '.'" }),
  /** A key of a Secret in the same namespace as its reader: `{ name, key }`. */
  secretKeyRef: () => z.strictObject({ name: propsField.objectName().describe('Secret name'), key: propsField.secretKey().describe('Key inside the Secret') }),
};

/**
 * The name most charts give their main objects (the `<chart>.fullname` helper of `helm create`): the
 * release name when it contains the chart name, else `<release>-<chart>`, at most 63 characters
 * without a trailing `-` (charts with a `fullnameOverride` value are not covered).
 * @param releaseName the Helm release name, e.g. `nats-jetstream`
 * @param chartName the chart's name, e.g. `nats`
 */
export function helmFullname(releaseName: string, chartName: string): string {
  const name = releaseName.includes(chartName) ? releaseName : `${releaseName}-${chartName}`;
  return name.slice(0, 63).replace(/-+$/, '');
}
