/**
 * `HelmBlueprint`: the base of every Blueprint that installs one upstream Helm chart. It renders the
 * namespace (with Pod Security labels), its NetworkPolicies (default deny plus the Blueprint's
 * allowances), the chart source and a `HelmRelease`; subclasses supply the curated values from their
 * typed props and may add objects.
 */
import { Duration } from 'cdk8s';
import type { Construct } from 'constructs';
import { Blueprint, BLUEPRINT_PROPS_SCHEMA, BlueprintConstruct, type BlueprintPropsShape, BlueprintMetadata, BlueprintProps, HelmChartMetadata, mergeValues } from '../lib/blueprint';
import type { ValueNote } from '../lib/gitops';
import type { z } from 'zod';
import { ChartVerifySchema, type ChartVerifySpec } from '../lib/spec/schema';
import type { Cluster } from '../lib/cluster';
import { blueprintObjectName } from '../lib/naming';
import { CosignVerification, cosignVerificationProblems } from '../lib/signing';
import { HelmChartSource, HelmPostRenderPatch, HelmRelease, HelmRepository, OciRepository } from '../constructs/flux';
import type { HelmPreinstall } from '../constructs/hetzner/cloud-init';
import { blueprintLabels, renderNamespace } from './namespace';

/**
 * Parses a Go-style duration of whole minutes (`15m`) into a cdk8s Duration.
 * @throws Error when `text` is not whole minutes, e.g. `90s` or `1h`
 */
export function minutes(text: string): Duration {
  const m = /^(\d+)m$/.exec(text);
  if (!m) throw new Error(`duration ${text} must be whole minutes such as 15m`);
  return Duration.minutes(Number(m[1]));
}

/** Why one Helm value is what it is; see `HelmBlueprint.valueReasons`. */
export interface ValueReason {
  /** Keys from the root of the chart's values to the value, e.g. `['image', 'repository']`. */
  readonly path: readonly string[];
  /** One line for a reviewer, e.g. `Bitnami publishes these versions only under docker.io/bitnamilegacy`. */
  readonly reason: string;
}

/** The value at `path` in nested maps, or undefined. */
function valueAt(values: unknown, path: readonly string[]): unknown {
  return path.reduce<unknown>((v, key) => (v && typeof v === 'object' ? (v as Record<string, unknown>)[key] : undefined), values);
}

/** The zod shape of `HELM_PROPS_SCHEMA`: the common props and `verify`. */
export type HelmPropsShape = BlueprintPropsShape & {
  /** Schema of `HelmBlueprintProps.verify`. */
  verify: z.ZodOptional<z.ZodType<ChartVerifySpec>>;
};

/** zod schema of the props every `HelmBlueprint` accepts from a spec: `values`, `network` and `verify`. */
export const HELM_PROPS_SCHEMA: z.ZodObject<HelmPropsShape, z.core.$strict> = BLUEPRINT_PROPS_SCHEMA.extend({
  verify: ChartVerifySchema.optional().describe('Cosign verification of the OCI chart'),
});

/** Props every `HelmBlueprint` accepts. */
export interface HelmBlueprintProps extends BlueprintProps {
  /**
   * Verify the chart's cosign signature before Flux installs it: keyless (`matchOIDCIdentity`) or
   * with a public key Secret in `flux-system` (`publicKeySecret`); see `CosignVerification`. Only for
   * charts in an `oci://` registry: every `OCIRepository` of the Blueprint gets `spec.verify`.
   * @default none: the chart is not verified
   */
  readonly verify?: CosignVerification;
}

/** Metadata of a Blueprint that installs a Helm chart: the component part with the Helm part (`chart` and `releaseName` set). */
export type HelmBlueprintMetadata = BlueprintMetadata & HelmChartMetadata;

/** A Blueprint that installs one upstream Helm chart with Flux. */
export abstract class HelmBlueprint<P extends HelmBlueprintProps = HelmBlueprintProps> extends Blueprint<P> {
  /**
   * The class's static metadata, with its chart and release name.
   * @throws Error when the metadata names no chart or no release name (a HelmBlueprint needs both)
   */
  get metadata(): HelmBlueprintMetadata {
    const m = super.metadata;
    if (m.chart === undefined || m.releaseName === undefined) {
      throw new Error(`Blueprint ${m.name} is a HelmBlueprint, but its metadata has no ${m.chart === undefined ? 'chart' : 'releaseName'}; set metadata.chart and metadata.releaseName`);
    }
    return m as HelmBlueprintMetadata;
  }

  /**
   * @param props the Blueprint's props
   * @throws Error when `props.verify` is set for a chart that is not in an `oci://` registry, or is
   *   not usable (see `cosignVerificationProblems`)
   */
  constructor(props?: P) {
    super(props);
    const verify = this.props.verify;
    if (!verify) return;
    const m = this.metadata;
    if (!m.chart.repository.startsWith('oci://')) {
      throw new Error(`Blueprint ${m.name}: props.verify is set, but its chart comes from the Helm repository ${m.chart.repository}, not an oci:// registry, and Flux verifies signatures of OCI charts only; remove verify`);
    }
    const problems = cosignVerificationProblems(verify, 'props.verify');
    if (problems.length > 0) throw new Error(`Blueprint ${m.name}: ${problems.map((p) => `${p.path}: ${p.message}`).join('; ')}`);
  }

  /**
   * The Blueprint's curated Helm values for a cluster (the upstream chart's values schema), derived
   * from its typed props and the context; `props.values` is merged over them.
   */
  protected abstract curatedValues(ctx: Cluster): Record<string, unknown>;

  /**
   * Reasons for curated values a reviewer would otherwise question (a legacy image registry, a chart
   * feature turned off because the Blueprint does it another way). Each becomes a comment above the
   * value in the HelmRelease file, unless `props.values` changed that value.
   * @default none
   */
  protected valueReasons(_ctx: Cluster): ValueReason[] {
    return [];
  }

  /**
   * The `valueReasons` as notes on the HelmRelease's `spec.values`, for the values `props.values`
   * left as curated (a reason for a value the user replaced would be wrong).
   * @throws Error when a reason names a path the curated values do not have
   */
  override valueNotes(ctx: Cluster): ValueNote[] {
    const curated = this.curatedValues(ctx);
    const final = mergeValues(curated, this.props.values ?? {});
    return this.valueReasons(ctx).flatMap(({ path, reason }) => {
      const value = valueAt(curated, path);
      if (value === undefined) throw new Error(`Blueprint ${this.metadata.name}: a value reason names ${path.join('.')}, which its curated values do not set`);
      if (JSON.stringify(valueAt(final, path)) !== JSON.stringify(value)) return [];
      return [{ kind: 'HelmRelease', name: blueprintObjectName(this.metadata.name), path: ['spec', 'values', ...path], reason }];
    });
  }

  /** Final Helm values: curated values with `props.values` merged last. */
  helmValues(ctx: Cluster): Record<string, unknown> {
    return mergeValues(this.curatedValues(ctx), this.props.values ?? {});
  }

  /** Labels of every object this Blueprint renders. */
  protected labels(ctx: Cluster): Record<string, string> {
    return blueprintLabels(this, ctx);
  }

  /**
   * Renders the chart source for the pinned chart and returns how a HelmRelease refers to it: an
   * `OCIRepository` per chart for `oci://` pins (verified when `props.verify` is set), else one
   * shared `HelmRepository` named `bp-<name>`.
   *
   * @param chartName chart to refer to. @default the pinned chart (`metadata.chart.chart`)
   * @param version exact chart version. @default the pinned version (`metadata.chart.version`)
   */
  protected renderSource(chart: Construct, ctx: Cluster, chartName = this.metadata.chart.chart, version = this.metadata.chart.version): HelmChartSource {
    const m = this.metadata;
    const name = blueprintObjectName(m.name);
    if (m.chart.repository.startsWith('oci://')) {
      const id = chartName === m.chart.chart ? 'source' : `source-${chartName}`;
      const ociName = chartName === m.chart.chart ? name : `${name}-${chartName}`;
      new OciRepository(chart, id, { name: ociName, url: `${m.chart.repository.replace(/\/$/, '')}/${chartName}`, tag: version, labels: this.labels(ctx), verify: this.props.verify });
      return { kind: 'OCIRepository', name: ociName };
    }
    if (!chart.node.tryFindChild('source')) new HelmRepository(chart, 'source', { name, url: m.chart.repository, labels: this.labels(ctx) });
    return { kind: 'HelmRepository', name, chart: chartName, version };
  }

  /**
   * The Helm install cloud-init runs before Flux exists, for Blueprints with `metadata.preinstalled`:
   * same release name, namespace, chart version and values as the HelmRelease that adopts it.
   */
  preinstall(ctx: Cluster): HelmPreinstall {
    const m = this.metadata;
    return {
      releaseName: m.releaseName,
      namespace: m.namespace,
      repository: m.chart.repository,
      chart: m.chart.chart,
      version: m.chart.version,
      values: this.helmValues(ctx),
      waitFor: this.preinstallWaitCommand(),
    };
  }

  /**
   * Shell command cloud-init runs after the pre-install to wait for the release to be ready.
   * @default waits until every Deployment in the namespace is Available (10 minutes at most)
   */
  protected preinstallWaitCommand(): string {
    return `k3s kubectl -n ${this.metadata.namespace} wait --for=condition=Available deployment --all --timeout=10m`;
  }

  /** Names of HelmReleases (in flux-system) this Blueprint's release must wait for. @default none */
  protected releaseDependsOn(): string[] {
    return [];
  }

  /** Whether Helm waits for the release's resources to be ready after install/upgrade. @default true */
  protected waitForResources(): boolean {
    return true;
  }

  /**
   * Patches Flux applies to the chart's rendered manifests, for settings the chart has no value for
   * (see `HelmPostRenderPatch`; hooks are never patched). cloud-init's Helm pre-install does not apply
   * them: they take effect when the HelmRelease adopts the release.
   * @default none
   */
  protected postRenderPatches(_ctx: Cluster): HelmPostRenderPatch[] {
    return [];
  }

  /**
   * Renders namespace (unless `ownsNamespace` is false), the namespace's NetworkPolicies (when the
   * Blueprint polices it, see `policesNetwork`), chart source and HelmRelease.
   * @throws Error when `metadata.timeout` is not whole minutes, or for an invalid network rule (see `NamespaceNetworkPolicies`)
   */
  protected render(chart: BlueprintConstruct, ctx: Cluster): void {
    const m = this.metadata;
    renderNamespace(chart, this, ctx);
    new HelmRelease(chart, 'release', {
      name: blueprintObjectName(m.name),
      labels: this.labels(ctx),
      releaseName: m.releaseName,
      targetNamespace: m.namespace,
      source: this.renderSource(chart, ctx),
      timeout: minutes(m.timeout ?? '10m'),
      crds: m.installsCrds ? 'CreateReplace' : 'Skip',
      values: this.helmValues(ctx),
      dependsOn: this.releaseDependsOn(),
      wait: this.waitForResources(),
      postRenderPatches: this.postRenderPatches(ctx),
    });
  }
}
