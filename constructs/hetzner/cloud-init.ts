/**
 * Renders the cloud-init (`#cloud-config`, https://cloudinit.readthedocs.io/en/latest/reference/modules.html)
 * of a k3s node on Hetzner: OS hardening, the pinned k3s install (https://docs.k3s.io/installation/configuration)
 * configured through `/etc/rancher/k3s/config.yaml`, and on the first control plane server the
 * bootstrap that pre-installs Helm charts (the CNI, Flux) and points Flux at the cluster's GitOps folder.
 * A NAT server (the first control plane server of a region with private-only pools) and the nodes
 * without a public interface get `bootcmd` lines for their internet access.
 *
 * The result may contain placeholders for Terraform expressions (the join token, Git credentials);
 * the caller substitutes them after measuring the size. Literal `${` and `%{` are escaped so Terraform
 * does not read them as interpolation.
 */
import type { GeneratedSecret } from '../../lib/blueprint';
import { toYaml } from '../../lib/gitops';
import { mustParseCidr } from '../../lib/net';

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
  /** Exact chart version, e.g. `1.16.5`. */
  readonly version: string;
  /** Helm values, written to `/var/lib/catalyst/preinstall/<releaseName>.yaml` on the node. */
  readonly values: Record<string, unknown>;
  /** Shell command that waits for the release to be ready, e.g. a `kubectl rollout status`. */
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

/** Everything cloud-init needs for one node. */
export interface NodeCloudInitProps {
  /** `server-init` (first server, initializes etcd), `server-join` (further servers) or `agent` (workers). */
  readonly role: K3sRole;
  /** k3s release, e.g. `v1.31.4+k3s1`. */
  readonly k3sVersion: string;
  /** Text put where the join token goes (a placeholder or a Terraform expression); never a literal secret. */
  readonly tokenPlaceholder: string;
  /** `https://<first server private IP>:6443` for joining servers and agents. @default none (ignored for `server-init`) */
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
  /** Only for `server-init`: the bootstrap that runs after k3s is up. @default none */
  readonly bootstrap?: {
    /** Helm CLI version, e.g. `v3.16.4`. */
    readonly helmVersion: string;
    /** Charts installed with Helm, in order, each followed by its `waitFor` command. */
    readonly preinstall: readonly HelmPreinstall[];
    /** Multi-document YAML applied with kubectl after the preinstalls (Flux GitRepository + Kustomization). */
    readonly manifests: string;
    /** Multi-document YAML with Secrets applied before `manifests` (may hold placeholders). @default none */
    readonly secretManifests?: string;
    /** Secrets generated on the node with random values before Flux starts. @default none */
    readonly generatedSecrets?: readonly GeneratedSecret[];
  };
}

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

/** The k3s configuration file of a node (https://docs.k3s.io/installation/configuration#configuration-file). */
function k3sConfig(p: NodeCloudInitProps): Record<string, unknown> {
  const common = {
    token: p.tokenPlaceholder,
    'node-label': [...p.nodeLabels].sort(),
    'node-taint': p.nodeTaints.length > 0 ? [...p.nodeTaints].sort() : undefined,
    'node-ip': p.nodeIp,
  };
  if (p.role === 'agent') return { ...common, server: p.joinUrl };
  return {
    ...common,
    'cluster-init': p.role === 'server-init' ? true : undefined,
    server: p.role === 'server-join' ? p.joinUrl : undefined,
    'advertise-address': p.nodeIp,
    'tls-san': [...p.tlsSans],
    'cluster-cidr': p.clusterCidr,
    'service-cidr': p.serviceCidr,
    'flannel-backend': 'none',
    'disable-network-policy': true,
    'disable-kube-proxy': true,
    disable: ['servicelb', 'traefik'],
    'secrets-encryption': true,
    'write-kubeconfig-mode': '0600',
  };
}

function dropUndefined(obj: Record<string, unknown>): Record<string, unknown> {
  return Object.fromEntries(Object.entries(obj).filter(([, v]) => v !== undefined));
}

/**
 * Shell lines that find this node's private IP (agents) and add it to the k3s config. Until the
 * private interface is up, the route to the probe goes out of the public interface, so the loop
 * waits until the route's source address lies inside the node subnet.
 */
function discoverNodeIp(probe: string, nodeSubnet: string): string[] {
  const { first, last } = mustParseCidr(nodeSubnet);
  const inSubnet = `awk -F. '{ n = (($1 * 256 + $2) * 256 + $3) * 256 + $4; exit !(n >= ${first} && n <= ${last}) }'`;
  return [
    `until NODE_IP=$(ip -4 route get ${probe} 2>/dev/null | sed -n 's/.* src \\([0-9.]*\\).*/\\1/p') && [ -n "$NODE_IP" ] && echo "$NODE_IP" | ${inSubnet}; do sleep 2; done`,
    'printf "node-ip: %s\\n" "$NODE_IP" >> /etc/rancher/k3s/config.yaml',
  ];
}

/** Hetzner's metadata endpoint of a server's public IPv4 (https://docs.hetzner.cloud/#server-metadata). */
const METADATA_PUBLIC_IPV4 = 'http://169.254.169.254/hetzner/v1/metadata/public-ipv4';

/**
 * Shell lines of a server that add its own public IPv4 to the API server certificate, through a k3s
 * drop-in config whose `tls-san+` key appends to the list in config.yaml
 * (https://docs.k3s.io/installation/configuration#multiple-config-files). The address is known only
 * once the server exists, so it is read from the metadata service at boot. It lets clients reach the
 * API directly on the control plane servers, where the firewall filters sources; the load balancer
 * cannot filter sources.
 */
function publicIpSan(): string[] {
  return [
    'mkdir -p /etc/rancher/k3s/config.yaml.d',
    `until PUBLIC_IP=$(curl -sf --max-time 5 ${METADATA_PUBLIC_IPV4}) && [ -n "$PUBLIC_IP" ]; do sleep 2; done`,
    `printf 'tls-san+:\\n  - %s\\n' "$PUBLIC_IP" > /etc/rancher/k3s/config.yaml.d/50-public-ip.yaml`,
  ];
}

/** A shell line that waits until `ip -4 route <query>` names a device and puts it into the shell variable `variable`. */
function routeDevice(variable: string, query: string): string {
  return `until ${variable}=$(ip -4 route ${query} 2>/dev/null | sed -n 's/.* dev \\([^ ]*\\).*/\\1/p' | head -n 1) && [ -n "$${variable}" ]; do sleep 2; done`;
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
    routeDevice('PUBLIC_IF', 'show default'),
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
    routeDevice('PRIVATE_IF', `get ${e.gateway}`),
    `ip -4 route replace default via ${e.gateway} dev "$PRIVATE_IF" onlink`,
  ];
}

/** Shell name of the value of a random key: `S<secret>_<key>`. */
function shellVar(secret: number, key: number): string {
  return `S${secret}_${key}`;
}

/**
 * Shell lines that create each generated Secret in each of its namespaces, unless it exists. Values
 * are drawn once per Secret, so every namespace gets the same ones.
 */
function generateSecrets(secrets: readonly GeneratedSecret[]): string[] {
  if (secrets.length === 0) return [];
  const lines = [
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

/** The bootstrap script of the first control plane server. */
function bootstrapScript(b: NonNullable<NodeCloudInitProps['bootstrap']>): string {
  const lines = [
    '#!/bin/sh',
    '# Runs once on the first control plane server: pre-installs the charts the cluster needs before',
    '# Flux can run (CNI, Flux itself), then hands the cluster to Flux.',
    'set -eu',
    'export KUBECONFIG=/etc/rancher/k3s/k3s.yaml',
    'until k3s kubectl get --raw=/readyz >/dev/null 2>&1; do sleep 5; done',
    'case "$(uname -m)" in aarch64) ARCH=arm64 ;; *) ARCH=amd64 ;; esac',
    `curl -sfL "https://get.helm.sh/helm-${b.helmVersion}-linux-$ARCH.tar.gz" | tar -xz -C /tmp`,
    'install -m 0755 "/tmp/linux-$ARCH/helm" /usr/local/bin/helm',
  ];
  for (const h of b.preinstall) {
    lines.push(
      `helm upgrade --install ${h.releaseName} ${h.chart} --repo ${h.repository} --version ${h.version} --namespace ${h.namespace} --create-namespace --values /var/lib/catalyst/preinstall/${h.releaseName}.yaml`,
      h.waitFor,
    );
  }
  lines.push(...generateSecrets(b.generatedSecrets ?? []));
  if (b.secretManifests) lines.push('k3s kubectl apply -f /var/lib/catalyst/flux-secrets.yaml');
  lines.push('k3s kubectl apply -f /var/lib/catalyst/flux-sync.yaml', 'touch /var/lib/catalyst/bootstrap-complete', '');
  return lines.join('\n');
}

/**
 * Renders a node's cloud-init document.
 *
 * @returns `#cloud-config` YAML, Terraform-escaped, still holding `tokenPlaceholder` and any
 *   placeholders of `bootstrap.secretManifests`.
 * @throws Error when an agent without `nodeIp` has a `nodeSubnet` that is not an IPv4 CIDR
 */
export function renderNodeCloudInit(p: NodeCloudInitProps): string {
  const files: Array<Record<string, unknown>> = [
    { path: '/etc/ssh/sshd_config.d/90-catalyst-hardening.conf', permissions: '0644', content: SSHD_HARDENING },
    { path: '/etc/rancher/k3s/config.yaml', permissions: '0600', content: toYaml(dropUndefined(k3sConfig(p))) },
  ];
  const run: string[] = ['swapoff -a', 'sed -i "/\\sswap\\s/d" /etc/fstab', 'systemctl reload ssh || systemctl reload sshd || true'];
  if (p.role === 'agent' && !p.nodeIp) run.push(...discoverNodeIp(p.routeProbeIp, p.nodeSubnet));
  // The NAT server may still be booting when a node without a public interface gets here.
  if (p.privateEgress) run.push('until curl -sf -o /dev/null https://get.k3s.io; do sleep 5; done');
  if (p.role !== 'agent') run.push(...publicIpSan());
  const mode = p.role === 'agent' ? 'agent' : 'server';
  run.push(`curl -sfL https://get.k3s.io | INSTALL_K3S_VERSION='${p.k3sVersion}' INSTALL_K3S_EXEC='${mode}' sh -`);
  if (p.bootstrap) {
    for (const h of p.bootstrap.preinstall) {
      files.push({ path: `/var/lib/catalyst/preinstall/${h.releaseName}.yaml`, permissions: '0600', content: toYaml(h.values) });
    }
    files.push({ path: '/var/lib/catalyst/flux-sync.yaml', permissions: '0600', content: p.bootstrap.manifests });
    if (p.bootstrap.secretManifests) files.push({ path: '/var/lib/catalyst/flux-secrets.yaml', permissions: '0600', content: p.bootstrap.secretManifests });
    files.push({ path: '/usr/local/sbin/catalyst-bootstrap.sh', permissions: '0700', content: bootstrapScript(p.bootstrap) });
    run.push('/usr/local/sbin/catalyst-bootstrap.sh');
  }
  const boot = [...(p.natSourceCidr ? natCommands(p.natSourceCidr) : []), ...(p.privateEgress ? privateEgressCommands(p.privateEgress) : [])];
  const doc = {
    bootcmd: boot.length > 0 ? boot : undefined,
    package_update: true,
    packages: ['ca-certificates', 'curl'],
    write_files: files,
    runcmd: run,
  };
  return escapeTerraform(`#cloud-config\n${toYaml(dropUndefined(doc))}`);
}
