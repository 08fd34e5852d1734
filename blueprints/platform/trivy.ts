import { z } from 'zod';
import type { BlueprintMetadata, BlueprintProps } from '../../lib/blueprint';
import type { Cluster } from '../../lib/cluster';
import { chartPin } from '../../lib/versions';
import { allow, componentMetadata, restrictedContainerSecurityContext, restrictedPodSecurityContext, resources, wholeNumber } from '../common';
import { HELM_PROPS_SCHEMA, HelmBlueprint } from '../helm';
import { CertManager } from './cert-manager';

/** User and group the scan Jobs run as: Trivy's image scans need no root (`trivy.command: image`). */
const SCAN_JOB_USER = 10000;

/** Namespaces Trivy skips by default: k3s's own, which no Blueprint owns. */
const DEFAULT_EXCLUDED = ['kube-system', 'kube-public', 'kube-node-lease'];

/** Props of the Trivy Operator Blueprint. */
export interface TrivyProps extends BlueprintProps {
  /**
   * Namespaces whose workloads are not scanned.
   * @default ['kube-system', 'kube-public', 'kube-node-lease'] (k3s's own)
   */
  readonly excludeNamespaces?: readonly string[];
  /** Scan Jobs running at once, 1-10; each requests 100m CPU and 128 MiB (limit 512 MiB). @default 3 */
  readonly concurrentScans?: number;
  /** Whether workloads' images are scanned for known vulnerabilities (VulnerabilityReports) and SBOMs generated. @default true */
  readonly vulnerabilityScans?: boolean;
  /** Whether images are scanned for secrets baked into their layers (ExposedSecretReports). @default true */
  readonly exposedSecretScans?: boolean;
  /** Hours a vulnerability report stays before the image is scanned again, 1-720. @default 24 */
  readonly rescanAfterHours?: number;
}

/**
 * The Trivy Operator: scans the images of running workloads for vulnerabilities and baked-in
 * secrets, and audits workload configuration and RBAC, writing the results as report objects
 * (`VulnerabilityReport`, `ConfigAuditReport`, `RbacAssessmentReport`, ...) next to each workload.
 *
 * Standalone mode (the chart's default): each scan Job downloads the vulnerability database and the
 * images it scans itself, so the namespace needs the internet on 443 (the database and checks bundle
 * on `mirror.gcr.io`, images on their registries; a private registry on another port needs a
 * `props.network` rule). Scans run in `trivy-system` (`scanJobsInSameNamespace: false`), so only this
 * namespace needs those allowances. The infrastructure assessment is off: its node-collector Jobs mount
 * the host's `/var/lib/kubelet` and `/etc/kubernetes` and check kubeadm file layouts that k3s does not
 * use, and would need a `privileged` namespace; without them every pod here runs `restricted`: the
 * operator with a restricted pod security context, the scan Jobs as user 10000 with the same
 * container context (`trivyOperator.scanJobPodTemplate*SecurityContext`).
 *
 * The reference set `operator.excludeNamespaces`, which does not exist in the pinned chart (a silent
 * no-op); the chart's key is the top-level `excludeNamespaces`, a comma-separated list. The reference
 * edge to cert-manager ("webhook TLS") is kept as a golden fact of the kit, though the operator has
 * no webhook.
 *
 * Source: chart `trivy-operator` (`CHARTS['trivy-operator']`,
 * https://github.com/aquasecurity/trivy-operator/tree/main/deploy/helm), reference kit slot 30.
 */
export class Trivy extends HelmBlueprint<TrivyProps> {
  /** The props a spec may set (`spec.blueprints.props.trivy`). */
  static readonly propsSchema = HELM_PROPS_SCHEMA.extend({
    excludeNamespaces: z
      .array(z.string().regex(/^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/, { error: 'must be a namespace name: lowercase letters, digits and "-", e.g. kube-system' }).max(63))
      .optional()
      .describe('Namespaces whose workloads are not scanned; default kube-system, kube-public, kube-node-lease'),
    concurrentScans: wholeNumber(1, 10).optional().describe('Scan Jobs running at once, 1-10; default 3'),
    vulnerabilityScans: z.boolean().optional().describe('Scan images for known vulnerabilities and generate SBOMs; default true'),
    exposedSecretScans: z.boolean().optional().describe('Scan images for secrets baked into their layers; default true'),
    rescanAfterHours: wholeNumber(1, 720).optional().describe('Hours before an image is scanned again, 1-720; default 24'),
  }) satisfies z.ZodType<TrivyProps>;

  /** Catalog metadata: bootstrap kit slot 30, namespace trivy-system, after cert-manager (the reference edge). */
  static readonly metadata: BlueprintMetadata = componentMetadata({
    name: 'trivy',
    title: 'Trivy Operator',
    category: 'security',
    tier: 'bootstrap-kit',
    summary: 'Scans running workloads for vulnerable images, baked-in secrets and risky configuration and RBAC.',
    pin: chartPin('trivy-operator'),
    kitSlot: 30,
    namespace: 'trivy-system',
    podSecurity: 'the operator and its image scan Jobs run as non-root with no capabilities, a read-only root filesystem and the RuntimeDefault seccomp profile (the node-collector, which would need host mounts, is off)',
    dependsOn: [CertManager],
    installsCrds: true,
    placementModes: ['active-active', 'single-region'],
    // the operator (100m, 128Mi) and the default three scan Jobs at once (100m, 128Mi each)
    resources: { cpuMillis: 400, memoryMiB: 512 },
    templateValues: [
      ...['runAsNonRoot', 'seccompProfile'].map((key) => ({
        path: `securityContext.${key}`,
        template: 'templates/deployment.yaml',
        why: `the operator container's securityContext is toYaml .Values.securityContext, whose default in values.yaml lacks ${key}`,
      })),
      ...['runAsNonRoot', 'runAsUser', 'runAsGroup', 'seccompProfile'].map((key) => ({
        path: `trivyOperator.scanJobPodTemplateContainerSecurityContext.${key}`,
        template: 'templates/configmaps/operator.yaml',
        why: `the operator ConfigMap's scanJob.podTemplateContainerSecurityContext is toJson of the whole map, which the operator applies to every scan Job container; the default in values.yaml lacks ${key}`,
      })),
    ],
    network: {
      egress: [
        allow.apiserver('the operator watches workloads, creates scan Jobs and writes the reports'),
        allow.internet([443], 'scan Jobs download the vulnerability database and checks bundle (mirror.gcr.io) and the images they scan from their registries'),
      ],
    },
  });

  /** Values of the pinned chart: the namespaces skipped, scan concurrency and TTL, the scanners, restricted pods and scan Jobs. */
  protected curatedValues(_ctx: Cluster): Record<string, unknown> {
    const p = this.props;
    const scanJobUser = { user: SCAN_JOB_USER };
    return {
      excludeNamespaces: (p.excludeNamespaces ?? DEFAULT_EXCLUDED).join(','),
      operator: {
        replicas: 1,
        scanJobsConcurrentLimit: p.concurrentScans ?? 3,
        scannerReportTTL: `${p.rescanAfterHours ?? 24}h`,
        vulnerabilityScannerEnabled: p.vulnerabilityScans ?? true,
        sbomGenerationEnabled: p.vulnerabilityScans ?? true,
        exposedSecretScannerEnabled: p.exposedSecretScans ?? true,
        configAuditScannerEnabled: true,
        rbacAssessmentScannerEnabled: true,
        infraAssessmentScannerEnabled: false,
      },
      trivyOperator: {
        scanJobPodTemplatePodSecurityContext: restrictedPodSecurityContext(scanJobUser),
        scanJobPodTemplateContainerSecurityContext: { ...restrictedContainerSecurityContext(), runAsUser: SCAN_JOB_USER, runAsGroup: SCAN_JOB_USER, privileged: false },
      },
      trivy: { mode: 'Standalone', command: 'image', resources: resources('100m', '128Mi', '512Mi') },
      podSecurityContext: restrictedPodSecurityContext({ user: 65534 }),
      securityContext: { ...restrictedContainerSecurityContext(), privileged: false },
      resources: resources('100m', '128Mi', '512Mi'),
      serviceMonitor: { enabled: false },
    };
  }
}
