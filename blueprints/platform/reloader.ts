import { z } from 'zod';
import type { BlueprintMetadata, BlueprintProps } from '../../lib/blueprint';
import type { Cluster } from '../../lib/cluster';
import { chartPin } from '../../lib/versions';
import { allow, componentMetadata, propsField, resources, restrictedContainerSecurityContext } from '../common';
import { HELM_PROPS_SCHEMA, HelmBlueprint, type ValueReason } from '../helm';

/** The annotation a workload carries to be restarted when any Secret or ConfigMap it uses changes (https://github.com/stakater/Reloader#how-to-use-reloader). */
export const RELOADER_AUTO_ANNOTATION = 'reloader.stakater.com/auto';

/** Props of the Reloader Blueprint. */
export interface ReloaderProps extends BlueprintProps {
  /** Reloader replicas; more than one turns on leader election (`reloader.enableHA`). @default 1 */
  readonly replicas?: number;
  /**
   * Restart every Deployment, StatefulSet and DaemonSet of the cluster when a Secret or ConfigMap it
   * uses changes, annotated or not. Off by default: workloads opt in with `reloader.stakater.com/auto`
   * (or the per-Secret annotations), so a changed Secret never restarts a database that did not ask.
   * @default false
   */
  readonly autoReloadAll?: boolean;
  /**
   * How Reloader triggers the rolling restart: `annotations` writes a hash annotation on the pod
   * template, `env-vars` an environment variable.
   * @default 'annotations'
   */
  readonly reloadStrategy?: 'annotations' | 'env-vars';
}

/**
 * Reloader (Stakater): rolls Deployments, StatefulSets and DaemonSets when a Secret or ConfigMap they
 * mount or read changes — e.g. a Secret external-secrets refreshed from OpenBao or copied from
 * another namespace, which Kubernetes would otherwise only show to pods that restart.
 *
 * Annotation-based, not watch-everything: Reloader watches Secrets and ConfigMaps in every namespace
 * (it must see the workloads' own), but restarts only workloads that opt in with
 * `reloader.stakater.com/auto: "true"` (`RELOADER_AUTO_ANNOTATION`) or the per-name annotations
 * (`secret.reloader.stakater.com/reload`); `autoReloadAll` stays off unless the props turn it on,
 * because restarting every workload on any change would roll databases and stateful services on
 * changes they never asked to follow. The `annotations` reload strategy writes a hash annotation on the
 * pod template rather than an environment variable, so the containers' specs stay what the charts
 * rendered.
 *
 * Runs restricted (non-root, read-only root filesystem, no capabilities); its metrics stay unscraped
 * (no Prometheus Operator CRDs in the cluster); its only traffic is the API server.
 *
 * Source: chart `reloader` (`CHARTS.reloader`, https://github.com/stakater/Reloader); reference kit
 * slot 28 (namespace `reloader`, no dependsOn).
 */
export class Reloader extends HelmBlueprint<ReloaderProps> {
  /** The props a spec may set (`spec.blueprints.props.reloader`). */
  static readonly propsSchema = HELM_PROPS_SCHEMA.extend({
    replicas: propsField.replicas().max(3, { error: 'must be at most 3' }).optional().describe('Reloader replicas; more than one turns on leader election (default 1)'),
    autoReloadAll: z.boolean().optional().describe('Restart every workload when a Secret or ConfigMap it uses changes, annotated or not (default false: workloads opt in with reloader.stakater.com/auto)'),
    reloadStrategy: z.literal(['annotations', 'env-vars'], { error: 'must be annotations or env-vars' }).optional().describe('How the rolling restart is triggered (default annotations)'),
  }) satisfies z.ZodType<ReloaderProps>;

  /** Catalog metadata: bootstrap kit slot 28, namespace reloader, no dependencies. */
  static readonly metadata: BlueprintMetadata = componentMetadata({
    name: 'reloader',
    title: 'Reloader',
    category: 'operations',
    tier: 'bootstrap-kit',
    summary: 'Restarts workloads that opt in when a Secret or ConfigMap they use changes.',
    pin: chartPin('reloader'),
    kitSlot: 28,
    podSecurity: 'the curated values run Reloader non-root with a read-only root filesystem, no capabilities and the RuntimeDefault seccomp profile',
    placementModes: ['active-active', 'single-region'],
    resources: { cpuMillis: 10, memoryMiB: 64 },
    network: { egress: [allow.apiserver('watches Secrets, ConfigMaps and workloads in every namespace and patches the workloads it restarts')] },
  });

  /**
   * Values of the pinned chart: opt-in reloads (`autoReloadAll` off unless the props say so), the
   * reload strategy, leader election from two replicas, a read-only root filesystem, a restricted
   * container security context, requests and a memory limit.
   */
  protected curatedValues(_ctx: Cluster): Record<string, unknown> {
    const replicas = this.props.replicas ?? 1;
    return {
      reloader: {
        autoReloadAll: this.props.autoReloadAll ?? false,
        reloadStrategy: this.props.reloadStrategy ?? 'annotations',
        watchGlobally: true,
        enableHA: replicas > 1,
        readOnlyRootFileSystem: true,
        deployment: {
          replicas,
          containerSecurityContext: restrictedContainerSecurityContext(),
          resources: resources('10m', '64Mi', '256Mi'),
        },
      },
    };
  }

  /** Why the opt-in mode and the annotations strategy, where the props keep them. */
  protected valueReasons(): ValueReason[] {
    return [
      ...(this.props.autoReloadAll ? [] : [{ path: ['reloader', 'autoReloadAll'], reason: `workloads opt in with ${RELOADER_AUTO_ANNOTATION}, so a changed Secret never restarts one that did not ask` }]),
      ...(this.props.reloadStrategy === 'env-vars' ? [] : [{ path: ['reloader', 'reloadStrategy'], reason: 'a hash annotation on the pod template, not an extra environment variable in the containers the charts rendered' }]),
    ];
  }
}
