/**
 * The Syft + Grype Blueprint: the CronJob and its three steps, the read-only RBAC, the data volume,
 * every object against the published Kubernetes schemas, the three scripts checked with shellcheck and
 * run with real bash, jq and dash against stand-in tools, the rendered-Blueprint metadata rules, and its
 * props from YAML.
 */
import { spawnSync } from 'node:child_process';
import { chmodSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, utimesSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parse } from 'yaml';
import { SyftGrype } from '../../blueprints';
import type { BlueprintClass } from '../../lib/blueprint';
import { metadataProblems } from '../../lib/catalog';
import { IMAGES } from '../../lib/versions';
import { validateManifest } from '../../scripts/k8s-validate';
import { blueprintPropsProblems, fromYamlProps } from '../support/props';
import { find, renderObjects, testCluster, type Json } from '../support/render';

const ctx = testCluster();

function cronJob(bp: SyftGrype = new SyftGrype()): Json {
  return find(renderObjects(bp, ctx), 'CronJob', 'syft-grype');
}

function scripts(bp: SyftGrype = new SyftGrype()): Record<string, string> {
  return find(renderObjects(bp, ctx), 'ConfigMap', 'syft-grype-scripts').data;
}

describe('Syft + Grype', () => {
  const objects = renderObjects(new SyftGrype(), ctx);

  it('renders the namespace, its policies, a ServiceAccount, read-only RBAC, the scripts, the data claim and the CronJob, nothing else', () => {
    expect(objects.map((o) => `${o.kind}/${o.metadata.name}`).sort()).toEqual([
      'ClusterRole/syft-grype-pod-reader',
      'ClusterRoleBinding/syft-grype-pod-reader',
      'ConfigMap/syft-grype-scripts',
      'CronJob/syft-grype',
      'Namespace/syft-grype',
      'NetworkPolicy/allow-dns',
      'NetworkPolicy/allow-egress-apiserver-6443',
      'NetworkPolicy/allow-egress-internet-443',
      'NetworkPolicy/allow-same-namespace',
      'NetworkPolicy/default-deny',
      'PersistentVolumeClaim/syft-grype-data',
      'ServiceAccount/syft-grype',
    ]);
    expect(objects.filter((o) => o.kind === 'Deployment')).toEqual([]);
  });

  it('validates every object against the published Kubernetes schemas', async () => {
    for (const o of objects) expect({ object: `${o.kind}/${o.metadata.name}`, errors: await validateManifest(o) }).toEqual({ object: `${o.kind}/${o.metadata.name}`, errors: [] });
  });

  it('runs nightly at the reference schedule, never two at once, list, SBOM and scan in that order in the pinned images', () => {
    const job = cronJob();
    expect(job.spec).toMatchObject({ schedule: '30 2 * * *', timeZone: 'Etc/UTC', concurrencyPolicy: 'Forbid', jobTemplate: { spec: { backoffLimit: 0 } } });
    const pod = job.spec.jobTemplate.spec.template.spec;
    expect(pod.initContainers.map((c: Json) => [c.name, c.image, c.command])).toEqual([
      ['list-images', 'registry.k8s.io/kubectl:v1.37.1', ['bash', '/scripts/list-images.sh']],
      ['sbom', `ghcr.io/anchore/syft:${IMAGES.syft.tag}`, ['/busybox/sh', '/scripts/sbom.sh']],
    ]);
    expect(pod.containers.map((c: Json) => [c.name, c.image, c.command])).toEqual([['scan', `ghcr.io/anchore/grype:${IMAGES.grype.tag}`, ['/busybox/sh', '/scripts/scan.sh']]]);
    expect(IMAGES.syft.tag).toMatch(/^v1\.43\.0-debug$/);
    expect(IMAGES.grype.tag).toMatch(/^v0\.111\.1-debug$/);
    expect(pod.serviceAccountName).toBe('syft-grype');
    expect(pod.restartPolicy).toBe('Never');
  });

  it('runs kubectl at the cluster\'s Kubernetes version', () => {
    const bumped = testCluster({ kubernetesVersion: 'v1.36.3+k3s1' });
    const job = find(renderObjects(new SyftGrype(), bumped), 'CronJob', 'syft-grype');
    expect(job.spec.jobTemplate.spec.template.spec.initContainers[0].image).toBe('registry.k8s.io/kubectl:v1.36.3');
  });

  it('keeps reports and the Grype database on the claim (5Gi on the cluster\'s StorageClass) and runs restricted', () => {
    const claim = find(objects, 'PersistentVolumeClaim', 'syft-grype-data');
    expect(claim.spec).toEqual({ accessModes: ['ReadWriteOnce'], storageClassName: 'hcloud-volumes-encrypted', resources: { requests: { storage: '5Gi' } } });
    const pod = cronJob().spec.jobTemplate.spec.template.spec;
    expect(pod.securityContext).toEqual({ runAsNonRoot: true, runAsUser: 65532, runAsGroup: 65532, fsGroup: 65532, seccompProfile: { type: 'RuntimeDefault' } });
    for (const c of [...pod.initContainers, ...pod.containers]) {
      expect(c.securityContext).toEqual({ allowPrivilegeEscalation: false, capabilities: { drop: ['ALL'] }, readOnlyRootFilesystem: true, runAsNonRoot: true, seccompProfile: { type: 'RuntimeDefault' } });
      expect(c.volumeMounts.map((m: Json) => m.mountPath)).toEqual(['/data', '/work', '/scripts', '/tmp']);
    }
    const scan = pod.containers[0];
    expect(scan.env).toContainEqual({ name: 'GRYPE_DB_CACHE_DIR', value: '/data/grype-db' });
    expect(scan.resources).toEqual({ requests: { cpu: '100m', memory: '512Mi' }, limits: { memory: '2Gi' } });
    expect(pod.volumes).toContainEqual({ name: 'data', persistentVolumeClaim: { claimName: 'syft-grype-data' } });
  });

  it('states the scan pod\'s effective request: the largest of the sequential init containers and the one container', () => {
    const pod = cronJob().spec.jobTemplate.spec.template.spec;
    const milli = (q: string) => (q.endsWith('m') ? Number(q.slice(0, -1)) : Number(q) * 1000);
    const mib = (q: string) => (q.endsWith('Gi') ? Number(q.slice(0, -2)) * 1024 : Number(q.slice(0, -2)));
    const sum = (cs: Json[], f: (r: Json) => number) => cs.reduce((n, c) => n + f(c.resources.requests), 0);
    const cpu = Math.max(...pod.initContainers.map((c: Json) => milli(c.resources.requests.cpu)), sum(pod.containers, (r) => milli(r.cpu)));
    const memory = Math.max(...pod.initContainers.map((c: Json) => mib(c.resources.requests.memory)), sum(pod.containers, (r) => mib(r.memory)));
    expect(SyftGrype.metadata.resources).toEqual({ cpuMillis: cpu, memoryMiB: memory });
  });

  it('reads pods, and only pods, cluster-wide by default, or through a Role per listed namespace', () => {
    expect(find(objects, 'ClusterRole', 'syft-grype-pod-reader').rules).toEqual([{ apiGroups: [''], resources: ['pods'], verbs: ['get', 'list'] }]);
    expect(find(objects, 'ClusterRoleBinding', 'syft-grype-pod-reader')).toMatchObject({
      roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: 'ClusterRole', name: 'syft-grype-pod-reader' },
      subjects: [{ kind: 'ServiceAccount', name: 'syft-grype', namespace: 'syft-grype' }],
    });
    const scoped = renderObjects(new SyftGrype({ namespaces: ['gitea', 'keycloak'] }), ctx);
    expect(scoped.filter((o) => /^Cluster/.test(o.kind))).toEqual([]);
    expect(scoped.filter((o) => o.kind === 'Role').map((o) => [o.metadata.namespace, o.rules])).toEqual([
      ['gitea', [{ apiGroups: [''], resources: ['pods'], verbs: ['get', 'list'] }]],
      ['keycloak', [{ apiGroups: [''], resources: ['pods'], verbs: ['get', 'list'] }]],
    ]);
    expect(scoped.filter((o) => o.kind === 'RoleBinding').map((o) => `${o.metadata.namespace}/${o.roleRef.kind}/${o.roleRef.name}`)).toEqual(['gitea/Role/syft-grype-pod-reader', 'keycloak/Role/syft-grype-pod-reader']);
    expect(scripts(new SyftGrype({ namespaces: ['gitea', 'keycloak'] }))['list-images.sh']).toContain('{ kubectl get pods --namespace gitea --output json; kubectl get pods --namespace keycloak --output json; }');
  });

  it('depends on cert-manager (the reference kit) and hcloud-csi (the claim\'s StorageClass)', () => {
    expect(SyftGrype.metadata.dependsOn.map((d) => (typeof d === 'string' ? d : d.metadata.name))).toEqual(['cert-manager', 'hcloud-csi']);
    expect(SyftGrype.metadata).toMatchObject({ namespace: 'syft-grype', tier: 'bootstrap-kit', images: [IMAGES.kubectl, IMAGES.syft, IMAGES.grype] });
  });
});

describe('the scan scripts, run with real shells and jq against stand-in tools', () => {
  const rendered = scripts(new SyftGrype({ retentionDays: 7, failOn: 'high' }));

  it('pass shellcheck (bash for list-images, POSIX sh for the busybox steps)', () => {
    const dir = mkdtempSync(join(tmpdir(), 'syft-grype-sc-'));
    for (const [file, shell] of [['list-images.sh', 'bash'], ['sbom.sh', 'sh'], ['scan.sh', 'sh']] as const) {
      writeFileSync(join(dir, file), rendered[file]!);
      const r = spawnSync('shellcheck', ['--shell', shell, join(dir, file)], { encoding: 'utf8' });
      expect({ file, out: r.stdout, status: r.status }).toEqual({ file, out: '', status: 0 });
    }
  });

  /** Runs a script with `/data`, `/work`, `/syft` and `/grype` moved into `root`, and `PATH` holding `bin`. */
  function run(shell: string, script: string, root: string, bin: string): { status: number | null; stdout: string; stderr: string } {
    const moved = script.replaceAll('/data', `${root}/data`).replaceAll('/work', `${root}/work`).replace(/^(\s*)\/(syft|grype) /gm, (_m, indent: string, tool: string) => `${indent}${bin}/${tool} `);
    return spawnSync(shell, [...(shell === 'bash' ? ['--norc', '--noprofile'] : []), '-c', moved], { encoding: 'utf8', env: { PATH: `${bin}:/usr/bin:/bin` } });
  }

  function stub(bin: string, name: string, body: string): void {
    writeFileSync(join(bin, name), `#!/bin/sh\n${body}\n`);
    chmodSync(join(bin, name), 0o755);
  }

  it('lists the digests of every running container once, skipping images without a registry digest, and scans each into the run folder', () => {
    const root = mkdtempSync(join(tmpdir(), 'syft-grype-run-'));
    const bin = join(root, 'bin');
    mkdirSync(bin);
    mkdirSync(join(root, 'work'));
    const pods = {
      items: [
        { status: { containerStatuses: [{ imageID: 'docker.io/library/nginx@sha256:' + 'a'.repeat(64) }, { imageID: 'ghcr.io/org/app@sha256:' + 'b'.repeat(64) }] } },
        { status: { initContainerStatuses: [{ imageID: 'docker.io/library/nginx@sha256:' + 'a'.repeat(64) }], containerStatuses: [{ imageID: 'sha256:' + 'c'.repeat(64) }] } },
        { status: {} },
      ],
    };
    stub(bin, 'kubectl', `cat <<'EOF'\n${JSON.stringify(pods)}\nEOF`);
    const listed = run('bash', rendered['list-images.sh']!, root, bin);
    expect(listed.stderr).toBe('');
    expect(listed.status).toBe(0);
    const runDir = readFileSync(join(root, 'work/run'), 'utf8').trim();
    expect(runDir).toMatch(new RegExp(`^${root}/data/reports/\\d{8}T\\d{6}Z$`));
    expect(readFileSync(join(runDir, 'images.txt'), 'utf8')).toBe(`docker.io/library/nginx@sha256:${'a'.repeat(64)}\nghcr.io/org/app@sha256:${'b'.repeat(64)}\n`);

    // syft: writes the file named after "=" in --output; fails for the ghcr.io image.
    stub(bin, 'syft', 'case "$2" in *ghcr.io*) exit 1;; esac\nfor a; do case "$a" in spdx-json=*) echo "{}" > "${a#spdx-json=}";; esac; done');
    const sbom = run('dash', rendered['sbom.sh']!, root, bin);
    expect(sbom.status).toBe(0);
    expect(readdirSync(join(runDir, 'sbom'))).toEqual([`docker.io_library_nginx_sha256_${'a'.repeat(64)}.spdx.json`]);
    expect(readFileSync(join(runDir, 'sbom-failed.txt'), 'utf8')).toBe(`ghcr.io/org/app@sha256:${'b'.repeat(64)}\n`);

    // grype: records its arguments; an old run folder is removed by the retention.
    const old = join(root, 'data/reports/20200101T000000Z');
    mkdirSync(old, { recursive: true });
    utimesSync(old, new Date('2020-01-01'), new Date('2020-01-01'));
    stub(bin, 'grype', `echo "$@" >> ${root}/grype-calls`);
    const scan = run('dash', rendered['scan.sh']!, root, bin);
    expect(scan.stderr).toBe('');
    expect(readFileSync(join(root, 'grype-calls'), 'utf8').trim().split('\n')).toEqual([
      'db update',
      `sbom:${runDir}/sbom/docker.io_library_nginx_sha256_${'a'.repeat(64)}.spdx.json --quiet --output json=${runDir}/vulnerabilities/docker.io_library_nginx_sha256_${'a'.repeat(64)}.json --output table=${runDir}/vulnerabilities/docker.io_library_nginx_sha256_${'a'.repeat(64)}.txt --fail-on high`,
    ]);
    expect(existsSync(old)).toBe(false);
    expect(existsSync(runDir)).toBe(true);
    // The image Syft could not read fails the Job, named in its log.
    expect(scan.stdout).toContain(`Syft could not read: ghcr.io/org/app@sha256:${'b'.repeat(64)}`);
    expect(scan.status).toBe(1);
  });
});

describe('Blueprints that render their own objects', () => {
  const m = SyftGrype.metadata;
  const withImages = (images: unknown, extra: object = {}) => ({ metadata: { ...m, images, ...extra } }) as unknown as BlueprintClass;

  it('are checked like chart pins: exact image tags (none only where a cluster fact gives it), never with a chart', () => {
    expect(metadataProblems(SyftGrype)).toEqual([]);
    expect(metadataProblems(withImages([{ repository: 'ghcr.io/anchore/syft', tag: 'latest' }, { repository: 'ghcr.io/anchore/grype:v1' }]))).toEqual([
      'metadata.images[].tag "latest" must be one exact image tag such as v1.2.3 (no latest), so every synth runs the same image',
      'metadata.images[].repository "ghcr.io/anchore/grype:v1" must be an image repository without tag or digest, such as ghcr.io/org/name',
    ]);
    expect(metadataProblems(withImages(m.images, { manifests: { repository: 'https://github.com/anchore/syft', tag: 'v1.43.0', commit: 'a'.repeat(40), path: 'x', docs: '' } }))).toEqual([
      'metadata.images [{"repository":"registry.k8s.io/kubectl"},{"repository":"ghcr.io/anchore/syft","tag":"v1.43.0-debug"},{"repository":"ghcr.io/anchore/grype","tag":"v0.111.1-debug"}] are set together with chart or manifests; a Blueprint renders its own objects or installs a chart or manifests, so remove one',
    ]);
  });
});

describe('props from YAML (spec.blueprints.props.syft-grype)', () => {
  it('reach the CronJob, the claim and the scripts', () => {
    const { sovereign } = fromYamlProps('syft-grype', { schedule: '0 4 * * 0', storageSize: '20Gi', retentionDays: 90, failOn: 'critical' });
    const files = sovereign.gitopsTree().files;
    const folder = 'clusters/hz-fsn-mgt-prod/bp-syft-grype';
    expect(parse(files.get(`${folder}/cronjob-syft-grype.yaml`) ?? files.get(`${folder}/cronjob.yaml`)!).spec.schedule).toBe('0 4 * * 0');
    const claimFile = [...files.keys()].find((k) => k.startsWith(`${folder}/persistentvolumeclaim`))!;
    expect(parse(files.get(claimFile)!).spec.resources.requests.storage).toBe('20Gi');
    const configMapFile = [...files.keys()].find((k) => k.startsWith(`${folder}/configmap`))!;
    const data = parse(files.get(configMapFile)!).data;
    expect(data['scan.sh']).toContain('-mtime +90 ');
    expect(data['scan.sh']).toContain('--fail-on critical');
  });

  it.each([
    [{ schedule: 'nightly' }, 'schedule', 'must be a five-field cron expression such as "30 2 * * *" (minute hour day month weekday; digits, *, ",", "/", "-" and names)'],
    [{ schedule: '30 2 * * * ; rm -rf /' }, 'schedule', 'must be a five-field cron expression such as "30 2 * * *" (minute hour day month weekday; digits, *, ",", "/", "-" and names)'],
    [{ namespaces: ['Gitea'] }, 'namespaces[0]', 'must be a namespace name: lowercase letters, digits and "-", e.g. gitea'],
    [{ retentionDays: 0 }, 'retentionDays', 'must be a whole number from 1 to 3650'],
    [{ storageSize: '5GB' }, 'storageSize', 'must be a Kubernetes quantity such as 10Gi (a whole number of Mi, Gi or Ti)'],
    [{ failOn: 'severe' }, 'failOn', 'Invalid option: expected one of "negligible"|"low"|"medium"|"high"|"critical"'],
  ])('rejects %p with the path and what is allowed', (props, field, message) => {
    const problems = blueprintPropsProblems('syft-grype', props);
    expect(problems.map((p) => ({ path: p.path, message: p.message }))).toEqual([{ path: `spec.blueprints.props.syft-grype.${field}`, message }]);
  });
});
