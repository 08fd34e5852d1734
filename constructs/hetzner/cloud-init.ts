/**
 * Renders the cloud-init (`#cloud-config`, https://cloudinit.readthedocs.io/en/latest/reference/modules.html)
 * of a k3s node on Hetzner: OS hardening, the pinned k3s install (https://docs.k3s.io/installation/configuration)
 * configured through `/etc/rancher/k3s/config.yaml`, and on the first control plane server the
 * bootstrap that pre-installs Helm charts (the CNI, Flux) and points Flux at the cluster's GitOps folder.
 * A NAT server (the first control plane server of a region with private-only pools) and the nodes
 * without a public interface get `bootcmd` lines for their internet access.
 *
 * Every step runs in scripts with bounded retries and waits and one failure marker (see
 * `./boot-shell.ts`); k3s and Helm are downloaded to files and checked against their published
 * checksums, never piped into a shell.
 *
 * The result may contain placeholders for Terraform expressions (the join tokens, Git credentials,
 * the Hetzner token, S3 keys); the caller substitutes them after measuring the size. Literal `${`
 * and `%{` are escaped so Terraform does not read them as interpolation.
 */
import type { GeneratedSecret } from '../../lib/blueprint';
import { toYaml } from '../../lib/gitops';
import { mustParseCidr } from '../../lib/net';
import { BOOT_STATE_DIR, DOWNLOAD_ATTEMPTS, NODE_READY_MARKER, shellPrelude, waitForRouteDevice } from './boot-shell';
import { LOCAL_PATH_MANIFEST, localPathManifest, type LocalPathImages } from './local-path';

/** Which k3s role a node plays. */
export type K3sRole = 'server-init' | 'server-join' | 'agent';

/** A Helm chart installed by cloud-init before Flux runs (Flux's HelmRelease adopts it later). */
export interface HelmPreinstall {
  /** Helm release name; the HelmRelease that adopts the release uses the same. */
  readonly releaseName: string;
  /** Namespace of the release (Helm creates it when missing). */
  readonly namespace: string;
  /** https:// repository URL. */
  readonly repository: string;
  /** Chart name in the repository, e.g. `cilium`. */
  readonly chart: string;
  /** Exact chart version (`ChartPin.version`). */
  readonly version: string;
  /** Helm values, written to `/var/lib/catalyst/preinstall/<releaseName>.yaml` on the node. */
  readonly values: Record<string, unknown>;
  /**
   * Shell command that waits for the release to be ready, e.g. a `kubectl rollout status`. The
   * bootstrap bounds it to {@link PREINSTALL_WAIT_SECONDS} whatever its own timeout.
   */
  readonly waitFor: string;
}

/** Internet access of a node without a public interface. */
export interface PrivateEgress {
  /**
   * Gateway of the Hetzner network: the first address of its range, e.g. `10.10.0.1` for `10.10.0.0/16`
   * (https://docs.hetzner.com/networking/networks/technical-concepts/architecture). The network's
   * `0.0.0.0/0` route forwards what the node sends there to the NAT server.
   */
  readonly gateway: string;
  /** DNS resolvers, e.g. Hetzner's recursive resolvers `185.12.64.1` and `185.12.64.2`. */
  readonly resolvers: readonly string[];
}

/**
 * OIDC login to the Kubernetes API (kube-apiserver `--oidc-*` flags,
 * https://kubernetes.io/docs/reference/access-authn-authz/authentication/#openid-connect-tokens).
 */
export interface ApiServerOidc {
  /** Issuer URL, e.g. `https://auth.example.org/realms/example` (Keycloak realm). */
  readonly issuerUrl: string;
  /** Client id the tokens must be issued for (their `aud`), e.g. `kubernetes`. */
  readonly clientId: string;
  /** Claim that names the user. @default 'preferred_username' */
  readonly usernameClaim?: string;
  /** Claim that lists the user's groups. @default 'groups' */
  readonly groupsClaim?: string;
  /** Prefix of OIDC user and group names, so they never collide with built-in ones (`system:`). @default 'oidc:' */
  readonly prefix?: string;
}

/**
 * Scheduled etcd snapshots of the servers, uploaded to S3-compatible storage
 * (https://docs.k3s.io/cli/etcd-snapshot#s3-compatible-object-store-support).
 */
export interface EtcdSnapshotConfig {
  /** Cron schedule (5 fields, server time), e.g. `0 *\/6 * * *`. */
  readonly scheduleCron: string;
  /** Snapshots k3s keeps, locally and in S3. */
  readonly retention: number;
  /** The S3-compatible bucket the snapshots go to (k3s `etcd-s3-*` settings). */
  readonly s3: {
    /** Endpoint host without scheme, e.g. `fsn1.your-objectstorage.com` (HTTPS). */
    readonly endpoint: string;
    /** Bucket name. */
    readonly bucket: string;
    /** Region, e.g. `fsn1`. */
    readonly region: string;
    /** Folder (key prefix) in the bucket, e.g. the cluster name. */
    readonly folder: string;
    /** Text put where the access key goes (a placeholder); never a literal. */
    readonly accessKey: string;
    /** Text put where the secret key goes (a placeholder); never a literal. */
    readonly secretKey: string;
  };
}

/** Everything cloud-init needs for one node. */
export interface NodeCloudInitProps {
  /** `server-init` (first server, initializes etcd), `server-join` (further servers) or `agent` (workers). */
  readonly role: K3sRole;
  /** k3s release, e.g. `NODE_SOFTWARE.k3s`; the node downloads exactly this binary. */
  readonly k3sVersion: string;
  /**
   * Text put where the node's join token goes (a placeholder or a Terraform expression), never a
   * literal secret: the server token on servers, the agent token on agents.
   */
  readonly token: string;
  /**
   * Servers only: the agent token (k3s `agent-token`), the only token agents get, so an agent's
   * user_data never holds the server token (https://docs.k3s.io/cli/token). @default none (agents)
   */
  readonly agentToken?: string;
  /** `https://<join endpoint>:6443` for joining servers and agents. @default none (ignored for `server-init`) */
  readonly joinUrl?: string;
  /** Fixed private IP (servers); agents discover theirs from the route to `routeProbeIp`. @default none (discovered) */
  readonly nodeIp?: string;
  /** An address on the private network used to discover an agent's private IP. */
  readonly routeProbeIp: string;
  /** The node subnet; a discovered private IP must lie inside it. */
  readonly nodeSubnet: string;
  /** Kubernetes pod range (k3s `cluster-cidr`, servers only), e.g. `10.42.0.0/16`. */
  readonly clusterCidr: string;
  /** Kubernetes service range (k3s `service-cidr`, servers only), e.g. `10.43.0.0/16`. */
  readonly serviceCidr: string;
  /** Extra names/IPs in the API server certificate (servers). */
  readonly tlsSans: readonly string[];
  /** Kubernetes node labels, `key=value`. */
  readonly nodeLabels: readonly string[];
  /** Kubernetes node taints, `key=value:Effect`. */
  readonly nodeTaints: readonly string[];
  /**
   * Makes this node the NAT server of the region network: the IPv4 range (e.g. `10.10.0.0/16`) whose
   * traffic to the internet it forwards and masquerades behind its public IPv4. @default none
   */
  readonly natSourceCidr?: string;
  /** For a node without a public interface: how it reaches the internet through the NAT server. @default none */
  readonly privateEgress?: PrivateEgress;
  /** Servers only: OIDC login to the API server. @default none (no OIDC flags) */
  readonly oidc?: ApiServerOidc;
  /** Servers only: scheduled etcd snapshots to S3. @default none (k3s' local snapshots only) */
  readonly etcdSnapshots?: EtcdSnapshotConfig;
  /** Images of the non-default `local-path` StorageClass AddOn that servers deploy (see `./local-path.ts`). */
  readonly localPath: LocalPathImages;
  /** Only for `server-init`: the bootstrap that runs after k3s is up. @default none */
  readonly bootstrap?: {
    /** Helm CLI version, e.g. `NODE_SOFTWARE.helm`. */
    readonly helmVersion: string;
    /** Charts installed with Helm, in order, each followed by its `waitFor` command. */
    readonly preinstall: readonly HelmPreinstall[];
    /** Multi-document YAML applied with kubectl after the preinstalls (Flux GitRepository + Kustomization). */
    readonly manifests: string;
    /**
     * Secrets applied as soon as the API answers, before any chart, in namespaces k3s creates
     * (`kube-system`): file name (without `.yaml`, e.g. `hcloud-secret`) → multi-document YAML that may
     * hold placeholders, written to `/var/lib/catalyst/<name>.yaml` (0600), applied in name order. A
     * pre-installed chart can read them (the Hetzner cloud controller manager its token). @default none
     */
    readonly earlySecretFiles?: Readonly<Record<string, string>>;
    /**
     * Secrets applied after the pre-installed charts created their namespaces, before `manifests`
     * (e.g. `flux-secrets` in `flux-system`); same form as `earlySecretFiles`. @default none
     */
    readonly secretFiles?: Readonly<Record<string, string>>;
    /**
     * Secrets generated on the node with random values before Flux starts (`Blueprint.bootstrapSecrets`):
     * only those needed before the in-cluster secret generator runs. @default none
     */
    readonly bootstrapSecrets?: readonly GeneratedSecret[];
  };
}

/** Longest a pre-installed chart may take to become ready, in seconds. */
export const PREINSTALL_WAIT_SECONDS = 900;
/** Longest k3s may take to start (a joining server syncs etcd first), in seconds. */
export const K3S_START_SECONDS = 900;
/** Longest a node without a public interface waits for internet access through the NAT server, in seconds. */
export const EGRESS_WAIT_SECONDS = 1200;

/** Escapes text so Terraform treats it literally inside a string (`${` → `$${`, `%{` → `%%{`). */
export function escapeTerraform(text: string): string {
  return text.replace(/\$\{/g, '$${').replace(/%\{/g, '%%{');
}

/** The sshd drop-in every server gets (`/etc/ssh/sshd_config.d/90-catalyst-hardening.conf`): keys only, no forwarding. */
export const SSHD_HARDENING = [
  'PasswordAuthentication no',
  'KbdInteractiveAuthentication no',
  'PermitRootLogin prohibit-password',
  'PermitEmptyPasswords no',
  'X11Forwarding no',
  'AllowAgentForwarding no',
  'AllowTcpForwarding no',
  'MaxAuthTries 3',
  'LoginGraceTime 30',
  'ClientAliveInterval 300',
  'ClientAliveCountMax 2',
  '',
].join('\n');

/** Where each script and file of the bootstrap lives on the node. */
export const BOOT_FILES = {
  /** k3s' configuration file (mode 0600: it holds the join token), read by `k3s server` and `k3s agent`. */
  k3sConfig: '/etc/rancher/k3s/config.yaml',
  /** The script cloud-init runs on every node (its `runcmd`): node IP, k3s download and start. */
  nodeInit: '/usr/local/sbin/catalyst-node-init.sh',
  /** The first server's script that installs the pre-install charts and Flux' sync objects. */
  bootstrap: '/usr/local/sbin/catalyst-bootstrap.sh',
  /** The Flux sync objects (GitRepository and root Kustomization) the bootstrap applies. */
  fluxSync: `${BOOT_STATE_DIR}/flux-sync.yaml`,
  /** Marker file the bootstrap writes when it has finished; a rerun stops when it exists. */
  bootstrapComplete: `${BOOT_STATE_DIR}/bootstrap-complete`,
} as const;

/** The systemd unit name of k3s on a node of this role. */
function k3sUnit(role: K3sRole): string {
  return role === 'agent' ? 'k3s-agent.service' : 'k3s.service';
}

/**
 * The systemd unit that runs k3s (`k3s server` or `k3s agent`, reading /etc/rancher/k3s/config.yaml).
 * The settings are those k3s needs as a container runtime host (https://docs.k3s.io/installation/configuration):
 * notify when ready, keep containers when the unit restarts (`KillMode=process`), delegate cgroups,
 * no task or file limits, restart always (the system-upgrade-controller replaces the binary and
 * restarts k3s through it).
 */
function k3sServiceUnit(role: K3sRole): string {
  return [
    '[Unit]',
    `Description=Lightweight Kubernetes (k3s ${role === 'agent' ? 'agent' : 'server'})`,
    'Documentation=https://docs.k3s.io',
    'Wants=network-online.target',
    'After=network-online.target',
    '',
    '[Service]',
    'Type=notify',
    'ExecStartPre=-/sbin/modprobe br_netfilter',
    'ExecStartPre=-/sbin/modprobe overlay',
    `ExecStart=/usr/local/bin/k3s ${role === 'agent' ? 'agent' : 'server'}`,
    'KillMode=process',
    'Delegate=yes',
    'LimitNOFILE=1048576',
    'LimitNPROC=infinity',
    'LimitCORE=infinity',
    'TasksMax=infinity',
    `TimeoutStartSec=${K3S_START_SECONDS}`,
    'Restart=always',
    'RestartSec=5s',
    '',
    '[Install]',
    'WantedBy=multi-user.target',
    '',
  ].join('\n');
}

/**
 * The k3s configuration file of a node (https://docs.k3s.io/installation/configuration#configuration-file,
 * flags: https://docs.k3s.io/cli/server, https://docs.k3s.io/cli/agent). Every node runs for an external
 * cloud controller manager (`kubelet-arg: cloud-provider=external`; servers also
 * `disable-cloud-controller`), so the Hetzner CCM sets node provider IDs and addresses
 * (https://docs.k3s.io/networking/networking-services#deploying-an-external-cloud-controller-manager).
 */
function k3sConfig(p: NodeCloudInitProps): Record<string, unknown> {
  const common = {
    token: p.token,
    'node-label': [...p.nodeLabels].sort(),
    'node-taint': p.nodeTaints.length > 0 ? [...p.nodeTaints].sort() : undefined,
    'node-ip': p.nodeIp,
    'kubelet-arg': ['cloud-provider=external'],
  };
  if (p.role === 'agent') return { ...common, server: p.joinUrl };
  const oidc = p.oidc;
  const prefix = oidc?.prefix ?? 'oidc:';
  const snap = p.etcdSnapshots;
  return {
    ...common,
    'agent-token': p.agentToken,
    'cluster-init': p.role === 'server-init' ? true : undefined,
    server: p.role === 'server-join' ? p.joinUrl : undefined,
    'advertise-address': p.nodeIp,
    'tls-san': [...p.tlsSans],
    'cluster-cidr': p.clusterCidr,
    'service-cidr': p.serviceCidr,
    'flannel-backend': 'none',
    'disable-network-policy': true,
    'disable-kube-proxy': true,
    'disable-cloud-controller': true,
    disable: ['servicelb', 'traefik', 'local-storage'],
    'secrets-encryption': true,
    'write-kubeconfig-mode': '0600',
    'kube-apiserver-arg': oidc
      ? [
          `oidc-issuer-url=${oidc.issuerUrl}`,
          `oidc-client-id=${oidc.clientId}`,
          `oidc-username-claim=${oidc.usernameClaim ?? 'preferred_username'}`,
          `oidc-username-prefix=${prefix}`,
          `oidc-groups-claim=${oidc.groupsClaim ?? 'groups'}`,
          `oidc-groups-prefix=${prefix}`,
        ]
      : undefined,
    ...(snap
      ? {
          'etcd-snapshot-schedule-cron': snap.scheduleCron,
          'etcd-snapshot-retention': snap.retention,
          'etcd-s3': true,
          'etcd-s3-endpoint': snap.s3.endpoint,
          'etcd-s3-region': snap.s3.region,
          'etcd-s3-bucket': snap.s3.bucket,
          'etcd-s3-folder': snap.s3.folder,
          'etcd-s3-retention': snap.retention,
          'etcd-s3-access-key': snap.s3.accessKey,
          'etcd-s3-secret-key': snap.s3.secretKey,
        }
      : {}),
  };
}

function dropUndefined(obj: Record<string, unknown>): Record<string, unknown> {
  return Object.fromEntries(Object.entries(obj).filter(([, v]) => v !== undefined));
}

/**
 * Shell lines that find this node's private IP (agents) and add it to the k3s config. Until the
 * private interface is up, the route to the probe goes out of the public interface, so the wait
 * (at most 5 minutes) lasts until the route's source address lies inside the node subnet.
 */
function discoverNodeIp(probe: string, nodeSubnet: string): string[] {
  const { first, last } = mustParseCidr(nodeSubnet);
  const inSubnet = `awk -F. '{ n = (($1 * 256 + $2) * 256 + $3) * 256 + $4; exit !(n >= ${first} && n <= ${last}) }'`;
  return [
    'step node-ip',
    `private_ip() { NODE_IP=$(ip -4 route get ${probe} 2>/dev/null | sed -n 's/.* src \\([0-9.]*\\).*/\\1/p') && [ -n "$NODE_IP" ] && echo "$NODE_IP" | ${inSubnet}; }`,
    `wait_for 300 "a private IP in ${nodeSubnet}" private_ip`,
    `printf "node-ip: %s\\n" "$NODE_IP" >> ${BOOT_FILES.k3sConfig}`,
  ];
}

/** Hetzner's metadata endpoint of a server's public IPv4 (https://docs.hetzner.cloud/#server-metadata). */
const METADATA_PUBLIC_IPV4 = 'http://169.254.169.254/hetzner/v1/metadata/public-ipv4';

/**
 * Shell lines of a server that add its own public IPv4 to the API server certificate, through a k3s
 * drop-in config whose `tls-san+` key appends to the list in config.yaml
 * (https://docs.k3s.io/installation/configuration#multiple-config-files). The address is known only
 * once the server exists, so it is read from the metadata service at boot (retried, bounded). It
 * lets clients reach the API directly on the control plane servers, where the firewall filters
 * sources; the load balancer cannot filter sources.
 */
function publicIpSan(): string[] {
  return [
    'step public-ip',
    `PUBLIC_IP=$(retry ${DOWNLOAD_ATTEMPTS} curl -fsS --connect-timeout 5 --max-time 10 ${METADATA_PUBLIC_IPV4})`,
    'if [ -z "$PUBLIC_IP" ]; then log "the metadata service returned no public IPv4"; exit 1; fi',
    'mkdir -p /etc/rancher/k3s/config.yaml.d',
    `printf 'tls-san+:\\n  - %s\\n' "$PUBLIC_IP" > /etc/rancher/k3s/config.yaml.d/50-public-ip.yaml`,
  ];
}

/**
 * Shell lines that download the k3s binary of `version` from its GitHub release, check it against
 * the release's published `sha256sum-<arch>.txt` (downloaded alongside over HTTPS: catalyst-cdk
 * cannot pin the hashes of every release offline), install it and start k3s through its unit.
 * Nothing is piped into a shell. The wait for k3s is bounded.
 */
function installK3s(version: string, role: K3sRole): string[] {
  const base = `https://github.com/k3s-io/k3s/releases/download/${version.replace('+', '%2B')}`;
  const unit = k3sUnit(role);
  return [
    'step install-k3s',
    'case "$(uname -m)" in',
    '  x86_64) K3S_ASSET=k3s; K3S_ARCH=amd64 ;;',
    '  aarch64) K3S_ASSET=k3s-arm64; K3S_ARCH=arm64 ;;',
    '  *) log "unsupported CPU architecture $(uname -m)"; exit 1 ;;',
    'esac',
    `download "${base}/$K3S_ASSET" ${BOOT_STATE_DIR}/k3s`,
    `download "${base}/sha256sum-$K3S_ARCH.txt" ${BOOT_STATE_DIR}/k3s.sha256sum`,
    `sha256_check ${BOOT_STATE_DIR}/k3s ${BOOT_STATE_DIR}/k3s.sha256sum "$K3S_ASSET"`,
    `install -m 0755 ${BOOT_STATE_DIR}/k3s /usr/local/bin/k3s`,
    'for tool in kubectl crictl ctr; do ln -sf k3s "/usr/local/bin/$tool"; done',
    'step start-k3s',
    'systemctl daemon-reload',
    `systemctl enable ${unit}`,
    `systemctl start --no-block ${unit}`,
    `wait_for ${K3S_START_SECONDS} "k3s to start" systemctl is-active --quiet ${unit}`,
  ];
}

/**
 * `bootcmd` lines of the NAT server: IPv4 forwarding, and masquerading of the region network's traffic
 * that leaves through the public interface (the device of the default route). Forwarded packets are
 * accepted whatever the FORWARD policy. cloud-init runs `bootcmd` early on every boot, before packages
 * and k3s, so the rules come back after a reboot without extra packages. Cilium's BPF masquerading
 * covers only this node's pods; these rules cover the other servers.
 */
export function natCommands(sourceCidr: string): string[] {
  const rule = (table: string, chain: string, spec: string, add: '-A' | '-I') =>
    `iptables ${table}-C ${chain} ${spec} 2>/dev/null || iptables ${table}${add} ${chain} ${spec}`;
  return [
    'sysctl -qw net.ipv4.ip_forward=1',
    ...waitForRouteDevice('PUBLIC_IF', 'show default'),
    rule('-t nat ', 'POSTROUTING', `-s ${sourceCidr} -o "$PUBLIC_IF" -j MASQUERADE`, '-A'),
    rule('', 'FORWARD', `-s ${sourceCidr} -o "$PUBLIC_IF" -j ACCEPT`, '-I'),
    rule('', 'FORWARD', `-d ${sourceCidr} -i "$PUBLIC_IF" -m conntrack --ctstate ESTABLISHED,RELATED -j ACCEPT`, '-I'),
  ];
}

/**
 * `bootcmd` lines of a node without a public interface: the DNS resolvers for systemd-resolved,
 * systemd-networkd told to keep routes it did not add (so a restart of it keeps the default route), and
 * the default route via the network gateway on the private interface. cloud-init runs `bootcmd` early
 * on every boot, before the package step needs the internet, so this comes back after a reboot.
 */
function privateEgressCommands(e: PrivateEgress): string[] {
  return [
    'mkdir -p /etc/systemd/resolved.conf.d /etc/systemd/networkd.conf.d',
    `printf '[Resolve]\\nDNS=${e.resolvers.join(' ')}\\n' > /etc/systemd/resolved.conf.d/90-catalyst.conf`,
    `printf '[Network]\\nManageForeignRoutes=no\\n' > /etc/systemd/networkd.conf.d/90-catalyst.conf`,
    'systemctl restart systemd-resolved',
    ...waitForRouteDevice('PRIVATE_IF', `get ${e.gateway}`),
    `ip -4 route replace default via ${e.gateway} dev "$PRIVATE_IF" onlink`,
  ];
}

/** A set of the bootstrap's Secret files as [name, YAML] pairs, sorted by name (the order they are applied in). */
function secretFileEntries(files: Readonly<Record<string, string>> | undefined): Array<[string, string]> {
  return Object.entries(files ?? {}).sort(([a], [b]) => a.localeCompare(b));
}

/** Bootstrap lines that apply a set of Secret files, one step each, retried. */
function applySecretFiles(files: Readonly<Record<string, string>> | undefined): string[] {
  return secretFileEntries(files).flatMap(([name]) => [`step ${name}`, `retry ${DOWNLOAD_ATTEMPTS} k3s kubectl apply -f ${secretFilePath(name)}`]);
}

/** Where a Secret file of the bootstrap is written. */
function secretFilePath(name: string): string {
  return `${BOOT_STATE_DIR}/${name}.yaml`;
}

/** Shell name of the value of a random key: `S<secret>_<key>`. */
function shellVar(secret: number, key: number): string {
  return `S${secret}_${key}`;
}

/**
 * Shell lines that create each bootstrap Secret in each of its namespaces, unless it exists. Values
 * are drawn once per Secret, so every namespace gets the same ones. Only Secrets needed before the
 * in-cluster secret generator (external-secrets) runs come here: every other generated Secret is
 * created in the cluster (`Blueprint.generatedSecrets`).
 */
function generateBootstrapSecrets(secrets: readonly GeneratedSecret[]): string[] {
  if (secrets.length === 0) return [];
  const lines = [
    'step generate-bootstrap-secrets',
    'random_value() { head -c 96 /dev/urandom | base64 | tr -dc A-Za-z0-9 | head -c 32; }',
    'ensure_secret() {',
    '  ns=$1; name=$2; shift 2',
    '  k3s kubectl get namespace "$ns" >/dev/null 2>&1 || k3s kubectl create namespace "$ns"',
    '  k3s kubectl -n "$ns" get secret "$name" >/dev/null 2>&1 || k3s kubectl -n "$ns" create secret generic "$name" "$@"',
    '}',
  ];
  secrets.forEach((s, i) => {
    const literals = [
      ...Object.entries(s.fixed ?? {}).sort(([a], [b]) => a.localeCompare(b)).map(([k, v]) => `--from-literal=${k}=${v}`),
      ...s.randomKeys.map((k, j) => `--from-literal=${k}="$${shellVar(i, j)}"`),
    ];
    s.randomKeys.forEach((_, j) => lines.push(`${shellVar(i, j)}=$(random_value)`));
    for (const ns of s.namespaces) lines.push(`ensure_secret ${ns} ${s.name} ${literals.join(' ')}`);
  });
  return lines;
}

/**
 * The bootstrap script of the first control plane server: waits (bounded) for the API, applies the
 * early Secrets (the Hetzner token), installs the pinned Helm CLI after checking it against Helm's
 * published `.sha256sum` (downloaded alongside; https://helm.sh/docs/intro/install/#from-the-binary-releases),
 * pre-installs the charts (retried; each wait bounded), generates the bootstrap Secrets, applies the
 * other Secrets from Terraform variables (Git credentials) and hands the cluster to Flux.
 */
function bootstrapScript(b: NonNullable<NodeCloudInitProps['bootstrap']>): string {
  const helm = `helm-${b.helmVersion}-linux-$ARCH.tar.gz`;
  const lines = [
    ...shellPrelude('Runs once on the first control plane server: pre-installs the charts the cluster needs before Flux can run (CNI, Flux itself), then hands the cluster to Flux.'),
    'export KUBECONFIG=/etc/rancher/k3s/k3s.yaml',
    'step api-ready',
    `wait_for ${K3S_START_SECONDS} "the Kubernetes API" k3s kubectl get --raw=/readyz`,
    ...applySecretFiles(b.earlySecretFiles),
  ];
  lines.push(
    'step install-helm',
    'case "$(uname -m)" in aarch64) ARCH=arm64 ;; *) ARCH=amd64 ;; esac',
    `download "https://get.helm.sh/${helm}" ${BOOT_STATE_DIR}/helm.tar.gz`,
    `download "https://get.helm.sh/${helm}.sha256sum" ${BOOT_STATE_DIR}/helm.tar.gz.sha256sum`,
    `sha256_check ${BOOT_STATE_DIR}/helm.tar.gz ${BOOT_STATE_DIR}/helm.tar.gz.sha256sum "${helm}"`,
    `tar -xzf ${BOOT_STATE_DIR}/helm.tar.gz -C ${BOOT_STATE_DIR}`,
    `install -m 0755 "${BOOT_STATE_DIR}/linux-$ARCH/helm" /usr/local/bin/helm`,
  );
  for (const h of b.preinstall) {
    lines.push(
      `step preinstall-${h.releaseName}`,
      `retry 4 helm upgrade --install ${h.releaseName} ${h.chart} --repo ${h.repository} --version ${h.version} --namespace ${h.namespace} --create-namespace --values ${BOOT_STATE_DIR}/preinstall/${h.releaseName}.yaml`,
      `timeout ${PREINSTALL_WAIT_SECONDS} ${h.waitFor}`,
    );
  }
  lines.push(...generateBootstrapSecrets(b.bootstrapSecrets ?? []));
  lines.push(...applySecretFiles(b.secretFiles));
  lines.push('step flux-sync', `retry ${DOWNLOAD_ATTEMPTS} k3s kubectl apply -f ${BOOT_FILES.fluxSync}`, `touch ${BOOT_FILES.bootstrapComplete}`, 'log "bootstrap complete: Flux reconciles the cluster"', '');
  return lines.join('\n');
}

/**
 * The script every node runs once from `runcmd`: swap off, sshd reloaded with the hardening, the
 * private IP (agents), internet through the NAT server (private-only nodes), the public IP SAN
 * (servers), the verified k3s binary started by its unit, then the first server's bootstrap.
 */
function nodeInitScript(p: NodeCloudInitProps): string {
  const lines = [
    ...shellPrelude(`Runs once on every node (${p.role}): installs and starts the pinned k3s ${p.k3sVersion}.`),
    'step prepare',
    'swapoff -a',
    'sed -i "/\\sswap\\s/d" /etc/fstab',
    'systemctl reload ssh || systemctl reload sshd || true',
  ];
  if (p.role === 'agent' && !p.nodeIp) lines.push(...discoverNodeIp(p.routeProbeIp, p.nodeSubnet));
  // The NAT server may still be booting when a node without a public interface gets here.
  if (p.privateEgress) lines.push('step egress', `wait_for ${EGRESS_WAIT_SECONDS} "internet access through the NAT server" curl -fsS -o /dev/null --connect-timeout 5 --max-time 10 https://github.com`);
  if (p.role !== 'agent') lines.push(...publicIpSan());
  lines.push(...installK3s(p.k3sVersion, p.role));
  if (p.bootstrap) lines.push('step bootstrap', BOOT_FILES.bootstrap);
  lines.push(`touch ${NODE_READY_MARKER}`, 'log "node ready"', '');
  return lines.join('\n');
}

/**
 * Renders a node's cloud-init document.
 *
 * @returns `#cloud-config` YAML, Terraform-escaped, still holding the token placeholders and any
 *   placeholders of `bootstrap.earlySecretFiles`, `bootstrap.secretFiles` and `etcdSnapshots.s3`.
 * @throws Error when an agent without `nodeIp` has a `nodeSubnet` that is not an IPv4 CIDR
 */
export function renderNodeCloudInit(p: NodeCloudInitProps): string {
  const files: Array<Record<string, unknown>> = [
    { path: '/etc/ssh/sshd_config.d/90-catalyst-hardening.conf', permissions: '0644', content: SSHD_HARDENING },
    { path: BOOT_FILES.k3sConfig, permissions: '0600', content: toYaml(dropUndefined(k3sConfig(p))) },
    { path: `/etc/systemd/system/${k3sUnit(p.role)}`, permissions: '0644', content: k3sServiceUnit(p.role) },
  ];
  if (p.role !== 'agent') files.push({ path: LOCAL_PATH_MANIFEST, permissions: '0600', content: localPathManifest(p.localPath) });
  if (p.bootstrap) {
    for (const h of p.bootstrap.preinstall) {
      files.push({ path: `${BOOT_STATE_DIR}/preinstall/${h.releaseName}.yaml`, permissions: '0600', content: toYaml(h.values) });
    }
    files.push({ path: BOOT_FILES.fluxSync, permissions: '0600', content: p.bootstrap.manifests });
    for (const [name, content] of [...secretFileEntries(p.bootstrap.earlySecretFiles), ...secretFileEntries(p.bootstrap.secretFiles)]) {
      files.push({ path: secretFilePath(name), permissions: '0600', content });
    }
    files.push({ path: BOOT_FILES.bootstrap, permissions: '0700', content: bootstrapScript(p.bootstrap) });
  }
  files.push({ path: BOOT_FILES.nodeInit, permissions: '0700', content: nodeInitScript(p) });
  const boot = [...(p.natSourceCidr ? natCommands(p.natSourceCidr) : []), ...(p.privateEgress ? privateEgressCommands(p.privateEgress) : [])];
  const doc = {
    bootcmd: boot.length > 0 ? boot : undefined,
    package_update: true,
    packages: ['ca-certificates', 'curl'],
    write_files: files,
    runcmd: [BOOT_FILES.nodeInit],
  };
  return escapeTerraform(`#cloud-config\n${toYaml(dropUndefined(doc))}`);
}
