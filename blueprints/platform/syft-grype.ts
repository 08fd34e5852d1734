import * as k8s from 'cdk8s-plus-28/lib/imports/k8s';
import { z } from 'zod';
import { BLUEPRINT_PROPS_SCHEMA, type BlueprintConstruct, type BlueprintMetadata, type BlueprintProps } from '../../lib/blueprint';
import type { Cluster } from '../../lib/cluster';
import { IMAGES } from '../../lib/versions';
import { allow, componentMetadata, propsField, restrictedContainerSecurityContext, RUNTIME_DEFAULT_SECCOMP } from '../common';
import { imageRef, RenderedBlueprint } from '../rendered';
import { CertManager } from './cert-manager';
import { HcloudCsi } from './hcloud-csi';

/** Name of the CronJob, its ServiceAccount, ConfigMap and RBAC objects. */
export const SYFT_GRYPE = 'syft-grype';

/** Name of the PersistentVolumeClaim holding the reports and the Grype database. */
export const SYFT_GRYPE_DATA_CLAIM = 'syft-grype-data';

/** Where the data volume is mounted: reports under `reports/<run>/`, the Grype database under `grype-db/`. */
export const SYFT_GRYPE_DATA_PATH = '/data';

/** UID and GID of the distroless `nonroot` user the Syft and Grype images are built for. */
const NONROOT = 65532;

/** Grype's severities, lowest first (`grype --fail-on`). */
export const GRYPE_SEVERITIES = ['negligible', 'low', 'medium', 'high', 'critical'] as const;

/** A Grype severity. */
export type GrypeSeverity = (typeof GRYPE_SEVERITIES)[number];

/** Props of the Syft + Grype Blueprint. */
export interface SyftGrypeProps extends BlueprintProps {
  /** When the scan runs: a five-field cron expression in UTC. @default '30 2 * * *' (the reference kit's) */
  readonly schedule?: string;
  /**
   * Namespaces whose running images are scanned. Listing them narrows the read access too: a Role per
   * namespace instead of a ClusterRole.
   * @default every namespace (a ClusterRole that can list pods)
   */
  readonly namespaces?: readonly string[];
  /** Size of the volume holding the reports and the Grype database (about 1 GiB). @default '5Gi' */
  readonly storageSize?: string;
  /** StorageClass of that volume. @default the cluster's (`cluster.storageClass`) */
  readonly storageClass?: string;
  /** Days a run's reports are kept; older runs are deleted at the end of each scan. Whole days, 1-3650. @default 30 */
  readonly retentionDays?: number;
  /**
   * Mark the scan's Job failed when an image has a vulnerability of this severity or higher (Grype's
   * `--fail-on`), so a failed Job in `kubectl get jobs` or an alert names the run to read.
   * @default none: the Job fails only when a tool fails
   */
  readonly failOn?: GrypeSeverity;
}

/** A five-field cron expression (minute hour day-of-month month day-of-week), as a CronJob's `schedule` takes it. */
const CRON = z.string().regex(/^[0-9*,/A-Za-z-]+( [0-9*,/A-Za-z-]+){4}$/, {
  error: 'must be a five-field cron expression such as "30 2 * * *" (minute hour day month weekday; digits, *, ",", "/", "-" and names)',
});

/** A namespace name: an RFC 1123 label of at most 63 characters. */
const NAMESPACE = z.string().max(63).regex(/^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/, { error: 'must be a namespace name: lowercase letters, digits and "-", e.g. gitea' });

/** bash script of the `list-images` init container (kubectl image): the run folder and the digests of the running images. */
function listImagesScript(namespaces: readonly string[] | undefined): string {
  const scopes = namespaces?.length ? namespaces.map((ns) => `kubectl get pods --namespace ${ns} --output json`) : ['kubectl get pods --all-namespaces --output json'];
  return [
    'set -euo pipefail',
    `run="${SYFT_GRYPE_DATA_PATH}/reports/$(date -u +%Y%m%dT%H%M%SZ)"`,
    'mkdir -p "$run/sbom" "$run/vulnerabilities"',
    '# every container of every pod, by the digest the node pulled (status.imageID), so the scan reads exactly what runs',
    `{ ${scopes.join('; ')}; } | jq -r '.items[].status | ((.initContainerStatuses // []) + (.containerStatuses // []))[] | .imageID | select(test("^[^@]+/[^@]+@sha256:[0-9a-f]{64}$"))' | sort -u > "$run/images.txt"`,
    'echo "$run" > /work/run',
    'echo "$(wc -l < "$run/images.txt") images to scan into $run"',
    '',
  ].join('\n');
}

/** busybox sh script of the `sbom` init container (Syft): one SPDX JSON SBOM per image. */
const SBOM_SCRIPT = [
  'set -eu',
  'run="$(cat /work/run)"',
  'while read -r image; do',
  '  name="$(printf %s "$image" | tr -c "A-Za-z0-9._-" "_")"',
  '  /syft scan "registry:$image" --quiet --output "spdx-json=$run/sbom/$name.spdx.json" || echo "$image" >> "$run/sbom-failed.txt"',
  'done < "$run/images.txt"',
  '',
].join('\n');

/** busybox sh script of the `scan` container (Grype): the database update, one report per SBOM, the retention. */
function scanScript(retentionDays: number, failOn: GrypeSeverity | undefined): string {
  return [
    'set -eu',
    'run="$(cat /work/run)"',
    '/grype db update',
    'status=0',
    'for sbom in "$run"/sbom/*.spdx.json; do',
    '  [ -e "$sbom" ] || continue',
    '  name="$(basename "$sbom" .spdx.json)"',
    `  /grype "sbom:$sbom" --quiet --output "json=$run/vulnerabilities/$name.json" --output "table=$run/vulnerabilities/$name.txt"${failOn ? ` --fail-on ${failOn}` : ''} || status=1`,
    'done',
    `find ${SYFT_GRYPE_DATA_PATH}/reports -mindepth 1 -maxdepth 1 -type d -mtime +${retentionDays} -exec rm -rf {} \\;`,
    '[ ! -s "$run/sbom-failed.txt" ] || { echo "Syft could not read: $(cat "$run/sbom-failed.txt")"; status=1; }',
    'exit "$status"',
    '',
  ].join('\n');
}

/** Requests and memory limit of one container. */
function containerResources(cpu: string, memory: string, memoryLimit: string): k8s.ResourceRequirements {
  return { requests: { cpu: k8s.Quantity.fromString(cpu), memory: k8s.Quantity.fromString(memory) }, limits: { memory: k8s.Quantity.fromString(memoryLimit) } };
}

/**
 * Syft + Grype: a nightly software bill of materials (Syft) and vulnerability report (Grype) of every
 * image running in the cluster.
 *
 * Anchore publishes the two CLIs as images, and no Helm chart or manifests for running them in a
 * cluster, so this Blueprint renders the objects: a `CronJob` (the reference kit's schedule
 * `30 2 * * *`, `concurrencyPolicy: Forbid`) whose pod runs three steps in order, each in the image
 * that has the tool:
 *
 * 1. `list-images` (the Kubernetes project's kubectl image, which carries bash and jq, at the
 *    cluster's Kubernetes version): lists the pods through the API with the Blueprint's read-only
 *    ServiceAccount (`get`/`list` on pods, nothing else) and writes the digests the nodes pulled
 *    (`status.imageID`), so the scan reads exactly what runs, not what a tag points at today;
 * 2. `sbom` (Syft): one SPDX JSON SBOM per image, read from its registry;
 * 3. `scan` (Grype): updates its vulnerability database, cached on the volume between runs, then
 *    writes a JSON and a table report per SBOM; deletes runs older than `retentionDays`.
 *
 * Results stay in the cluster, on the PersistentVolumeClaim `syft-grype-data` (the reference's 5Gi, on
 * `cluster.storageClass`): `reports/<UTC time>/images.txt`, `sbom/<image>.spdx.json`,
 * `vulnerabilities/<image>.{json,txt}`; read them with `kubectl cp` from a debug pod on the claim, or
 * let a later Blueprint ship them (Harbor as OCI artifacts, as the reference plans). The Syft and
 * Grype images are the `-debug` variants: the same binaries on distroless `debug-nonroot`, whose
 * busybox shell runs the loop (the reference's CronJob ran `/bin/sh` in the plain Grype image, which
 * has no shell, and scanned a single `cronjob.target` left empty: a no-op).
 *
 * Pod Security `restricted`: every container runs as the distroless `nonroot` user with a read-only
 * root filesystem (a size-limited `emptyDir` for the tools' temporary image layers). Network: the
 * API (the pod list), and the internet on 443 (the images' registries, Grype's database); images in
 * an in-cluster registry need its namespace in `props.network`.
 *
 * Source: https://github.com/anchore/syft and https://github.com/anchore/grype at the pinned tags
 * (`.goreleaser.yaml`: the `-debug` images), `IMAGES.syft`, `IMAGES.grype`, `IMAGES.kubectl`;
 * reference catalog entry `syft-grype` (bootstrap-kit slot 33). Reference inconsistencies resolved:
 * its smoke test waited for a Deployment of a CronJob-only chart (nothing to wait for here: the
 * Blueprint is ready once its objects are applied); see above for the shell and the empty target.
 * dependsOn: cert-manager as in the reference kit (no certificate is used: kept so the kit's order
 * holds), and hcloud-csi, which provides the volume's StorageClass (as for every stateful Blueprint).
 */
export class SyftGrype extends RenderedBlueprint<SyftGrypeProps> {
  /** The props a spec may set (`spec.blueprints.props.syft-grype`). */
  static readonly propsSchema = BLUEPRINT_PROPS_SCHEMA.extend({
    schedule: CRON.optional().describe('When the scan runs, a five-field cron expression in UTC (default "30 2 * * *")'),
    namespaces: z.array(NAMESPACE).min(1).optional().describe('Namespaces whose running images are scanned (default: all, with a ClusterRole)'),
    storageSize: propsField.storageSize().optional().describe('Size of the reports and Grype database volume (default 5Gi)'),
    storageClass: propsField.objectName().optional().describe("StorageClass of that volume (default: the cluster's)"),
    retentionDays: z.number().int().min(1, { error: 'must be a whole number from 1 to 3650' }).max(3650, { error: 'must be a whole number from 1 to 3650' }).optional().describe('Days a run\'s reports are kept (default 30)'),
    failOn: z.literal(GRYPE_SEVERITIES).optional().describe('Fail the Job when an image has a vulnerability of this severity or higher (default: never)'),
  }) satisfies z.ZodType<SyftGrypeProps>;

  /** Catalog metadata: rendered objects, namespace syft-grype, bootstrap kit slot 33. */
  static readonly metadata: BlueprintMetadata = componentMetadata({
    name: 'syft-grype',
    title: 'Syft + Grype',
    category: 'security',
    tier: 'bootstrap-kit',
    summary: 'Writes a nightly SBOM (Syft) and vulnerability report (Grype) of every image running in the cluster.',
    pin: { images: [IMAGES.kubectl, IMAGES.syft, IMAGES.grype], docs: 'https://github.com/anchore/grype' },
    podSecurity: 'every container runs as the distroless nonroot user, without privilege escalation or capabilities, with a read-only root filesystem and the RuntimeDefault seccomp profile',
    dependsOn: [CertManager, HcloudCsi],
    placementModes: ['active-active', 'single-region'],
    // The scan pod's effective request while it runs: the largest of its sequential init containers and its one container (Grype, 100m/512Mi).
    resources: { cpuMillis: 100, memoryMiB: 512 },
    network: {
      egress: [
        allow.apiserver('list-images lists the pods through the API with the read-only ServiceAccount'),
        allow.internet([443], 'Syft reads the images from their registries, Grype downloads its vulnerability database (grype.anchore.io) over HTTPS'),
      ],
    },
    kitSlot: 33,
  });

  /** Renders the ServiceAccount, read-only RBAC, scripts, data volume claim and the CronJob (see the class). */
  protected renderObjects(scope: BlueprintConstruct, cluster: Cluster): void {
    const p = this.props;
    const meta = (name: string) => this.objectMeta(cluster, name);
    new k8s.KubeServiceAccount(scope, 'service-account', { metadata: meta(SYFT_GRYPE), automountServiceAccountToken: false });
    this.renderPodReader(scope, cluster);
    new k8s.KubeConfigMap(scope, 'scripts', {
      metadata: meta(`${SYFT_GRYPE}-scripts`),
      data: { 'list-images.sh': listImagesScript(p.namespaces), 'sbom.sh': SBOM_SCRIPT, 'scan.sh': scanScript(p.retentionDays ?? 30, p.failOn) },
    });
    new k8s.KubePersistentVolumeClaim(scope, 'data', {
      metadata: meta(SYFT_GRYPE_DATA_CLAIM),
      spec: { accessModes: ['ReadWriteOnce'], storageClassName: p.storageClass ?? cluster.storageClass, resources: { requests: { storage: k8s.Quantity.fromString(p.storageSize ?? '5Gi') } } },
    });
    const mounts = (...extra: k8s.VolumeMount[]): k8s.VolumeMount[] => [
      { name: 'data', mountPath: SYFT_GRYPE_DATA_PATH },
      { name: 'work', mountPath: '/work' },
      { name: 'scripts', mountPath: '/scripts', readOnly: true },
      { name: 'tmp', mountPath: '/tmp' },
      ...extra,
    ];
    const securityContext = restrictedContainerSecurityContext() as k8s.SecurityContext;
    const kubectl = `${IMAGES.kubectl.repository}:${cluster.kubernetes.version.replace(/\+.*$/, '')}`;
    new k8s.KubeCronJob(scope, 'cron-job', {
      metadata: meta(SYFT_GRYPE),
      spec: {
        schedule: p.schedule ?? '30 2 * * *',
        timeZone: 'Etc/UTC',
        concurrencyPolicy: 'Forbid',
        successfulJobsHistoryLimit: 3,
        failedJobsHistoryLimit: 3,
        jobTemplate: {
          spec: {
            backoffLimit: 0,
            template: {
              metadata: { labels: meta(SYFT_GRYPE).labels },
              spec: {
                serviceAccountName: SYFT_GRYPE,
                automountServiceAccountToken: true,
                restartPolicy: 'Never',
                securityContext: { runAsNonRoot: true, runAsUser: NONROOT, runAsGroup: NONROOT, fsGroup: NONROOT, seccompProfile: RUNTIME_DEFAULT_SECCOMP },
                initContainers: [
                  { name: 'list-images', image: kubectl, command: ['bash', '/scripts/list-images.sh'], env: [{ name: 'HOME', value: '/tmp' }], resources: containerResources('10m', '32Mi', '256Mi'), securityContext, volumeMounts: mounts() },
                  {
                    name: 'sbom',
                    image: imageRef(IMAGES.syft),
                    command: ['/busybox/sh', '/scripts/sbom.sh'],
                    env: [{ name: 'SYFT_CHECK_FOR_APP_UPDATE', value: 'false' }, { name: 'TMPDIR', value: '/tmp' }],
                    resources: containerResources('100m', '256Mi', '1Gi'),
                    securityContext,
                    volumeMounts: mounts(),
                  },
                ],
                containers: [
                  {
                    name: 'scan',
                    image: imageRef(IMAGES.grype),
                    command: ['/busybox/sh', '/scripts/scan.sh'],
                    env: [
                      { name: 'GRYPE_DB_CACHE_DIR', value: `${SYFT_GRYPE_DATA_PATH}/grype-db` },
                      { name: 'GRYPE_DB_AUTO_UPDATE', value: 'false' },
                      { name: 'GRYPE_CHECK_FOR_APP_UPDATE', value: 'false' },
                      { name: 'TMPDIR', value: '/tmp' },
                    ],
                    resources: containerResources('100m', '512Mi', '2Gi'),
                    securityContext,
                    volumeMounts: mounts(),
                  },
                ],
                volumes: [
                  { name: 'data', persistentVolumeClaim: { claimName: SYFT_GRYPE_DATA_CLAIM } },
                  { name: 'work', emptyDir: { sizeLimit: k8s.Quantity.fromString('1Mi') } },
                  { name: 'scripts', configMap: { name: `${SYFT_GRYPE}-scripts` } },
                  { name: 'tmp', emptyDir: { sizeLimit: k8s.Quantity.fromString('10Gi') } },
                ],
              },
            },
          },
        },
      },
    });
  }

  /** Read access to pods: a ClusterRole, or a Role in each of `props.namespaces`. */
  private renderPodReader(scope: BlueprintConstruct, cluster: Cluster): void {
    const labels = this.objectMeta(cluster, SYFT_GRYPE).labels;
    const rules: k8s.PolicyRule[] = [{ apiGroups: [''], resources: ['pods'], verbs: ['get', 'list'] }];
    const subjects: k8s.Subject[] = [{ kind: 'ServiceAccount', name: SYFT_GRYPE, namespace: this.metadata.namespace }];
    const name = `${SYFT_GRYPE}-pod-reader`;
    const namespaces = this.props.namespaces;
    if (!namespaces?.length) {
      new k8s.KubeClusterRole(scope, 'pod-reader', { metadata: { name, labels }, rules });
      new k8s.KubeClusterRoleBinding(scope, 'pod-reader-binding', { metadata: { name, labels }, roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: 'ClusterRole', name }, subjects });
      return;
    }
    for (const namespace of [...new Set(namespaces)].sort()) {
      new k8s.KubeRole(scope, `pod-reader-${namespace}`, { metadata: { name, namespace, labels }, rules });
      new k8s.KubeRoleBinding(scope, `pod-reader-binding-${namespace}`, { metadata: { name, namespace, labels }, roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: 'Role', name }, subjects });
    }
  }
}
