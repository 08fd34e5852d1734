/**
 * The Terraform half: one cdktf stack per region (https://developer.hashicorp.com/terraform/cdktf),
 * holding the providers, state backend, sensitive variables, the k3s join token, the SSH keys and a
 * `HetznerCluster`.
 */
import { Fn, LocalBackend, S3Backend, TerraformOutput, TerraformStack, TerraformVariable } from 'cdktf';
import { Construct } from 'constructs';
import sshpk from 'sshpk';
import { DataHcloudSshKey } from '../.gen/providers/hcloud/data-hcloud-ssh-key';
import { HcloudProvider } from '../.gen/providers/hcloud/provider';
import { SshKey } from '../.gen/providers/hcloud/ssh-key';
import { Password } from '../.gen/providers/random/password';
import { RandomProvider } from '../.gen/providers/random/provider';
import type { GeneratedSecret } from '../lib/blueprint';
import type { ClusterContext } from '../lib/context';
import { LABELS, MANAGED_BY } from '../lib/naming';
import type { RegionSpec, SovereignSpec } from '../lib/spec/types';
import { NODE_SOFTWARE } from '../lib/versions';
import { HelmPreinstall } from '../constructs/hetzner/cloud-init';
import { HetznerCluster, SecretSplice } from '../constructs/hetzner/cluster';

/**
 * Folder of the local backend's state files, beside the cdktf output folder (the project root for
 * the default `cdktf.out`): one `<stack>.tfstate` per stack. cdktf writes a stack into
 * `<outdir>/stacks/<stack>/`, where Terraform runs, so the backend path is `../../../` + this folder
 * wherever the output folder is; a synth never writes there, so state survives every synth and a
 * switch of spec. Keep it out of Git (it holds the k3s join token).
 */
export const LOCAL_STATE_DIR = 'terraform-state';

/** The local backend's state path of a stack, relative to the stack's folder `<outdir>/stacks/<stack>/`. */
export function localStatePath(stack: string): string {
  return `../../../${LOCAL_STATE_DIR}/${stack}.tfstate`;
}

/** Length of the generated k3s join tokens, server and agent (alphanumeric). */
export const JOIN_TOKEN_LENGTH = 48;
/** Longest Git username/token accepted in the size check of the bootstrap cloud-init. */
const GIT_SECRET_MAX = 256;
/** Longest JSON-encoded Hetzner Cloud API token in the size check: tokens are 64 characters, plus the quotes. */
const HCLOUD_TOKEN_MAX = 66;
/** Longest JSON-encoded S3 access or secret key in the size check (Hetzner's are 20 and 40 characters). */
const S3_KEY_MAX = 130;

/** Props of a `RegionStack`. */
export interface RegionStackProps {
  /** The loaded spec: Terraform backend, SSH keys and sources, API sources, load balancer type. */
  readonly spec: SovereignSpec;
  /** The region this stack builds (control plane and worker pools). */
  readonly region: RegionSpec;
  /** The region's cluster context, the same object the GitOps tree is rendered from. */
  readonly ctx: ClusterContext;
  /**
   * Whether this stack creates the SSH keys. Hetzner rejects a second key with the same fingerprint
   * in a project, so only the primary region creates them; the other region looks them up by
   * fingerprint and is deployed after the primary.
   */
  readonly createsSshKeys: boolean;
  /** Charts the first control plane server pre-installs. */
  readonly preinstall: readonly HelmPreinstall[];
  /** Flux GitRepository + Kustomization applied at bootstrap (multi-document YAML). */
  readonly fluxSync: string;
  /** Secrets the Blueprints need before the in-cluster secret generator runs (`Blueprint.bootstrapSecrets`), generated on the node at bootstrap. */
  readonly bootstrapSecrets: readonly GeneratedSecret[];
}

/** Where k3s writes the admin kubeconfig on a server (mode 0600, `write-kubeconfig-mode`). */
export const K3S_KUBECONFIG = '/etc/rancher/k3s/k3s.yaml';
/** The API server URL in k3s's kubeconfig: the server itself. */
const K3S_KUBECONFIG_SERVER = 'https://127.0.0.1:6443';

const KUBECONFIG_DESCRIPTION =
  "Shell command that fetches the cluster-admin kubeconfig from the first control plane server over SSH (run it from a network in spec.ssh.allowedCidrs), points it at the Kubernetes API URL (reachable from spec.kubernetes.apiAllowedCidrs) and names its cluster, user and context after the cluster; writes ./<cluster>.kubeconfig with mode 0600. It holds the admin client key: keep it like the SSH key, prefer OIDC logins for people";

/**
 * The operator's path to a kubeconfig: `ssh` to a control plane server, read k3s's admin kubeconfig,
 * rewrite its server URL (`https://127.0.0.1:6443`) to `apiUrl` and its `default` names to the
 * cluster name, and write it to `./<cluster>.kubeconfig` under umask 077. The API certificate holds
 * the server's public IPv4 and the load balancer's addresses, so the rewritten URL verifies.
 *
 * @param host a Terraform expression or address of a control plane server's public IPv4
 * @param apiUrl the Kubernetes API URL clients use, e.g. `https://203.0.113.10:6443`
 * @param cluster cluster name, e.g. `hz-fsn-mgt-prod`
 */
export function kubeconfigCommand(host: string, apiUrl: string, cluster: string): string {
  const file = `${cluster}.kubeconfig`;
  return `(umask 077 && ssh root@${host} cat ${K3S_KUBECONFIG} | sed -e 's#${K3S_KUBECONFIG_SERVER}#${apiUrl}#' -e 's/: default$/: ${cluster}/' > ${file}) && echo "export KUBECONFIG=$PWD/${file}"`;
}

/**
 * MD5 fingerprint of an OpenSSH public key in Hetzner's format (`aa:bb:...`).
 * @throws sshpk's `KeyParseError` when the text is not an OpenSSH public key
 */
export function sshFingerprint(publicKey: string): string {
  return sshpk.parseKey(publicKey.trim(), 'ssh').fingerprint('md5').toString('hex');
}

/**
 * The stack of one region. Its Terraform addresses are a public contract (changing them makes
 * Terraform replace servers): see each construct's docstring.
 */
export class RegionStack extends TerraformStack {
  /** The cluster's Hetzner resources: network, firewall, servers, load balancer. */
  readonly cluster: HetznerCluster;

  /**
   * @param id stack name, e.g. `omantel-hz-fsn-rtz-prod`; also names its state: the S3 object
   *   `<id>.tfstate` (under `keyPrefix/` when set, locked with an S3 lock file), or the local file
   *   `terraform-state/<id>.tfstate` beside the output folder (see `LOCAL_STATE_DIR`)
   * @throws SynthError when a node's cloud-init exceeds Hetzner's 32 KiB user_data limit
   */
  constructor(scope: Construct, id: string, props: RegionStackProps) {
    super(scope, id);
    const { spec, region, ctx } = props;
    const backend = spec.spec.terraform.backend;
    if (backend.type === 's3') {
      const s3 = new S3Backend(this, {
        bucket: backend.bucket,
        key: [backend.keyPrefix, `${id}.tfstate`].filter(Boolean).join('/'),
        region: backend.region,
        endpoints: { s3: backend.endpoint },
        skipCredentialsValidation: true,
        skipRegionValidation: true,
        skipRequestingAccountId: true,
        skipMetadataApiCheck: true,
        skipS3Checksum: true,
        usePathStyle: true,
      });
      // State locking with a lock object next to the state (Terraform >= 1.10, no DynamoDB table;
      // https://developer.hashicorp.com/terraform/language/backend/s3#state-locking). cdktf 0.21's
      // typed S3Backend predates the argument, hence the override.
      s3.addOverride('use_lockfile', true);
    } else {
      new LocalBackend(this, { path: localStatePath(id) });
    }

    const hcloudToken = new TerraformVariable(this, 'hcloud_token', {
      type: 'string',
      sensitive: true,
      nullable: false,
      description: 'Hetzner Cloud API token (read/write) of the project; set TF_VAR_hcloud_token or HCLOUD_TOKEN-derived tfvars, never commit it',
    });
    new HcloudProvider(this, 'hcloud', { token: hcloudToken.stringValue });
    new RandomProvider(this, 'random', {});

    // The server token keeps its address `random_password.k3s_token`; agents get their own.
    const serverToken = new Password(this, 'k3s_token', { length: JOIN_TOKEN_LENGTH, special: false });
    serverToken.overrideLogicalId('k3s_token');
    const agentToken = new Password(this, 'k3s_agent_token', { length: JOIN_TOKEN_LENGTH, special: false });
    agentToken.overrideLogicalId('k3s_agent_token');

    const sshKeyIds = spec.spec.ssh.publicKeys.map((key, i) => {
      if (props.createsSshKeys) {
        const res = new SshKey(this, `ssh_key_${i + 1}`, { name: `${spec.metadata.name}-admin-${i + 1}`, publicKey: key.trim(), labels: { ...ctx.labels, [LABELS.managedBy]: MANAGED_BY } });
        res.overrideLogicalId(`admin_${i + 1}`);
        return res.id;
      }
      const found = new DataHcloudSshKey(this, `ssh_key_${i + 1}`, { fingerprint: sshFingerprint(key) });
      found.overrideLogicalId(`admin_${i + 1}`);
      return found.id.toString();
    });

    const secrets: SecretSplice[] = [];
    let secretManifests: string | undefined;
    if (ctx.gitops.secretName) {
      const user = new TerraformVariable(this, 'git_username', { type: 'string', sensitive: true, nullable: false, description: `Username for ${ctx.gitops.url}` });
      const token = new TerraformVariable(this, 'git_token', { type: 'string', sensitive: true, nullable: false, description: `HTTPS token (read access) for ${ctx.gitops.url}` });
      secrets.push(
        { placeholder: 'CATALYST_GIT_USERNAME', expression: Fn.jsonencode(user.stringValue), maxLength: GIT_SECRET_MAX },
        { placeholder: 'CATALYST_GIT_TOKEN', expression: Fn.jsonencode(token.stringValue), maxLength: GIT_SECRET_MAX },
      );
      secretManifests = [
        'apiVersion: v1',
        'kind: Secret',
        'metadata:',
        `  name: ${ctx.gitops.secretName}`,
        '  namespace: flux-system',
        'type: Opaque',
        'stringData:',
        '  username: CATALYST_GIT_USERNAME',
        '  password: CATALYST_GIT_TOKEN',
        '',
      ].join('\n');
    }

    this.cluster = new HetznerCluster(this, 'cluster', {
      ctx,
      controlPlane: region.controlPlane,
      workerPools: region.workerPools,
      image: NODE_SOFTWARE.image,
      sshKeyIds,
      sshSources: spec.spec.ssh.allowedCidrs,
      apiSources: spec.spec.kubernetes.apiAllowedCidrs,
      loadBalancerType: spec.spec.loadBalancer.type,
      natGateway: region.natGateway,
      deleteProtection: spec.spec.deleteProtection,
      serverToken: { placeholder: 'CATALYST_K3S_TOKEN', expression: serverToken.result, maxLength: JOIN_TOKEN_LENGTH },
      agentToken: { placeholder: 'CATALYST_K3S_AGENT_TOKEN', expression: agentToken.result, maxLength: JOIN_TOKEN_LENGTH },
      hcloudToken: { placeholder: 'CATALYST_HCLOUD_TOKEN', expression: Fn.jsonencode(hcloudToken.stringValue), maxLength: HCLOUD_TOKEN_MAX },
      etcdSnapshots: this.etcdSnapshots(spec, ctx),
      bootstrap: { helmVersion: NODE_SOFTWARE.helm, preinstall: props.preinstall, manifests: props.fluxSync, secretManifests, secrets, bootstrapSecrets: props.bootstrapSecrets },
    });

    const lb = this.cluster.loadBalancer.loadBalancer;
    new TerraformOutput(this, 'cluster_name', { value: ctx.cluster.name, description: 'Cluster name' });
    new TerraformOutput(this, 'load_balancer_ipv4', { value: lb.ipv4, description: 'Public IPv4 of the load balancer; point the Sovereign DNS records here' });
    new TerraformOutput(this, 'load_balancer_ipv6', { value: lb.ipv6, description: 'Public IPv6 of the load balancer' });
    new TerraformOutput(this, 'control_plane_ipv4', { value: this.cluster.controlPlane.servers.map((s) => s.ipv4Address), description: 'Public IPv4 of the control plane servers (first = etcd initializer)' });
    new TerraformOutput(this, 'control_plane_private_ips', { value: [...ctx.network.controlPlaneIps], description: 'Private IPs of the control plane servers (fixed)' });
    const publicWorkers = this.cluster.workerPools.filter((p) => !p.privateOnly).flatMap((p) => p.servers);
    new TerraformOutput(this, 'worker_ipv4', { value: Object.fromEntries(publicWorkers.map((s) => [s.name, s.ipv4Address])), description: 'Public IPv4 of every worker server that has one (private-only pools have none)' });
    new TerraformOutput(this, 'network_id', { value: this.cluster.network.network.id, description: 'ID of the private network' });
    new TerraformOutput(this, 'gitops_path', { value: ctx.gitops.clusterPath, description: 'Folder of the GitOps repository Flux reconciles for this cluster' });
    if (this.cluster.natGateway) {
      new TerraformOutput(this, 'nat_gateway_ipv4', { value: this.cluster.natGateway.primaryIp.ipAddress, description: 'Egress IPv4 of the private-only pools (the NAT gateway\'s primary IP, kept when the server is replaced); allowlist this address' });
    }
    const first = this.cluster.controlPlane.servers[0]!;
    let apiUrl: string | undefined;
    if (ctx.kubernetes.apiViaLoadBalancer) {
      apiUrl = `https://${lb.ipv4}:${ctx.kubernetes.apiPort}`;
      new TerraformOutput(this, 'kubernetes_api_url', { value: apiUrl, description: 'Kubernetes API through the load balancer (confirmed open to the internet)' });
    } else if (ctx.kubernetes.apiPublic) {
      apiUrl = `https://${first.ipv4Address}:${ctx.kubernetes.apiPort}`;
      new TerraformOutput(this, 'kubernetes_api_url', { value: apiUrl, description: 'Kubernetes API on the first control plane server, reachable from spec.kubernetes.apiAllowedCidrs only (the firewall filters it; the load balancer could not)' });
    }
    if (apiUrl && spec.spec.ssh.allowedCidrs.length > 0) {
      new TerraformOutput(this, 'kubeconfig_command', { value: kubeconfigCommand(first.ipv4Address, apiUrl, ctx.cluster.name), description: KUBECONFIG_DESCRIPTION });
    }
  }

  /**
   * The etcd snapshot settings of `spec.kubernetes.etcdSnapshots`, with the S3 keys read from the
   * sensitive variables `etcd_s3_access_key` and `etcd_s3_secret_key`; each cluster writes to
   * `<folder>/<cluster name>` so two regions can share a bucket.
   */
  private etcdSnapshots(spec: SovereignSpec, ctx: ClusterContext) {
    const snap = spec.spec.kubernetes.etcdSnapshots;
    if (!snap) return undefined;
    const key = (id: string, what: string) => new TerraformVariable(this, id, { type: 'string', sensitive: true, nullable: false, description: `S3 ${what} for the etcd snapshots in ${snap.s3.bucket} at ${snap.s3.endpoint}` });
    const accessKey = key('etcd_s3_access_key', 'access key');
    const secretKey = key('etcd_s3_secret_key', 'secret key');
    return {
      scheduleCron: snap.schedule,
      retention: snap.retention,
      s3: {
        endpoint: new URL(snap.s3.endpoint).host,
        bucket: snap.s3.bucket,
        region: snap.s3.region,
        folder: `${snap.s3.folder}/${ctx.cluster.name}`,
        accessKey: { placeholder: 'CATALYST_ETCD_S3_ACCESS_KEY', expression: Fn.jsonencode(accessKey.stringValue), maxLength: S3_KEY_MAX },
        secretKey: { placeholder: 'CATALYST_ETCD_S3_SECRET_KEY', expression: Fn.jsonencode(secretKey.stringValue), maxLength: S3_KEY_MAX },
      },
    };
  }
}
