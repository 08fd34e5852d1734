/**
 * k3s' local-path storage as a user AddOn that is not the default StorageClass.
 *
 * k3s packages local-path-provisioner as the AddOn `local-storage`, whose StorageClass is marked
 * default; k3s rewrites and re-applies packaged manifests on every start, so unmarking the class in
 * the cluster does not last (https://docs.k3s.io/installation/packaged-components; k3s-io/k3s#3441,
 * #11936). The maintainers' advice is to disable the packaged component and provide your own
 * replacement (k3s-io/k3s#12560). So servers run k3s with `disable: [local-storage]` and get this
 * manifest in `/var/lib/rancher/k3s/server/manifests/`, where k3s applies user AddOns on start and
 * when the file changes, and never rewrites them. The class keeps its name `local-path` and
 * provisioner `rancher.io/local-path`, for caches; the default class is the Hetzner CSI one.
 *
 * Objects follow local-path-provisioner's own deployment manifest
 * (https://github.com/rancher/local-path-provisioner/blob/master/deploy/local-path-storage.yaml),
 * in `kube-system` with k3s' data path `/var/lib/rancher/k3s/storage`.
 */
import { toYaml } from '../../lib/gitops';

/** Name of the StorageClass (the name k3s' packaged class has, so existing claims keep working). */
export const LOCAL_PATH_STORAGE_CLASS = 'local-path';
/** Where the manifest is written on servers (a k3s user AddOn named `catalyst-local-path`). */
export const LOCAL_PATH_MANIFEST = '/var/lib/rancher/k3s/server/manifests/catalyst-local-path.yaml';

/** Images of the provisioner and of its helper pod (pinned, see `NODE_SOFTWARE`). */
export interface LocalPathImages {
  /** e.g. `NODE_SOFTWARE.localPathProvisioner`. */
  readonly provisioner: string;
  /** e.g. `NODE_SOFTWARE.localPathHelper`. */
  readonly helper: string;
}

const NAMESPACE = 'kube-system';
const NAME = 'local-path-provisioner';
const DATA_PATH = '/var/lib/rancher/k3s/storage';

/** The helper pod's scripts: create the volume folder, remove it. They receive `-p <path>` (also `-s`, `-m`). */
function helperScript(action: string): string {
  return ['#!/bin/sh', 'while getopts "m:s:p:" opt; do', '  case $opt in', '    p) target=$OPTARG ;;', '    *) ;;', '  esac', 'done', action, ''].join('\n');
}

/** The multi-document manifest (ServiceAccount, RBAC, ConfigMap, Deployment, StorageClass). */
export function localPathManifest(images: LocalPathImages): string {
  const labels = { app: NAME };
  const objects = [
    { apiVersion: 'v1', kind: 'ServiceAccount', metadata: { name: `${NAME}-service-account`, namespace: NAMESPACE } },
    {
      apiVersion: 'rbac.authorization.k8s.io/v1',
      kind: 'ClusterRole',
      metadata: { name: `${NAME}-role` },
      rules: [
        { apiGroups: [''], resources: ['nodes', 'persistentvolumeclaims', 'configmaps'], verbs: ['get', 'list', 'watch'] },
        { apiGroups: [''], resources: ['endpoints', 'persistentvolumes', 'pods'], verbs: ['*'] },
        { apiGroups: [''], resources: ['events'], verbs: ['create', 'patch'] },
        { apiGroups: ['storage.k8s.io'], resources: ['storageclasses'], verbs: ['get', 'list', 'watch'] },
      ],
    },
    {
      apiVersion: 'rbac.authorization.k8s.io/v1',
      kind: 'ClusterRoleBinding',
      metadata: { name: `${NAME}-bind` },
      roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: 'ClusterRole', name: `${NAME}-role` },
      subjects: [{ kind: 'ServiceAccount', name: `${NAME}-service-account`, namespace: NAMESPACE }],
    },
    {
      apiVersion: 'v1',
      kind: 'ConfigMap',
      metadata: { name: 'local-path-config', namespace: NAMESPACE },
      data: {
        'config.json': JSON.stringify({ nodePathMap: [{ node: 'DEFAULT_PATH_FOR_NON_LISTED_NODES', paths: [DATA_PATH] }] }),
        setup: helperScript('mkdir -m 0777 -p "$target"'),
        teardown: helperScript('rm -rf "$target"'),
        'helperPod.yaml': toYaml({ apiVersion: 'v1', kind: 'Pod', metadata: { name: 'helper-pod' }, spec: { containers: [{ name: 'helper-pod', image: images.helper, imagePullPolicy: 'IfNotPresent' }] } }),
      },
    },
    {
      apiVersion: 'apps/v1',
      kind: 'Deployment',
      metadata: { name: NAME, namespace: NAMESPACE, labels },
      spec: {
        replicas: 1,
        selector: { matchLabels: labels },
        template: {
          metadata: { labels },
          spec: {
            serviceAccountName: `${NAME}-service-account`,
            priorityClassName: 'system-node-critical',
            tolerations: [
              { key: 'CriticalAddonsOnly', operator: 'Exists' },
              { key: 'node-role.kubernetes.io/control-plane', operator: 'Exists', effect: 'NoSchedule' },
            ],
            containers: [
              {
                name: NAME,
                image: images.provisioner,
                imagePullPolicy: 'IfNotPresent',
                command: ['local-path-provisioner', 'start', '--config', '/etc/config/config.json'],
                env: [{ name: 'POD_NAMESPACE', valueFrom: { fieldRef: { fieldPath: 'metadata.namespace' } } }],
                volumeMounts: [{ name: 'config-volume', mountPath: '/etc/config/' }],
              },
            ],
            volumes: [{ name: 'config-volume', configMap: { name: 'local-path-config' } }],
          },
        },
      },
    },
    {
      apiVersion: 'storage.k8s.io/v1',
      kind: 'StorageClass',
      metadata: { name: LOCAL_PATH_STORAGE_CLASS, annotations: { 'storageclass.kubernetes.io/is-default-class': 'false' } },
      provisioner: 'rancher.io/local-path',
      volumeBindingMode: 'WaitForFirstConsumer',
      reclaimPolicy: 'Delete',
    },
  ];
  return objects.map((o) => toYaml(o)).join('---\n');
}
