/**
 * The Sovereign spec: the one YAML document a platform team writes. This zod schema is the single
 * source of its TypeScript types, defaults, shape validation and the JSON Schema editors use
 * (`npm run schema` writes `schemas/sovereign.schema.json`).
 *
 * Cross-field rules (CIDR overlaps, unique names, Blueprint names, name lengths) live in
 * `./validate.ts`; defaults that depend on a region's position (its network ranges) in `./load.ts`.
 */
import { z } from 'zod';
import { describeServerType, LOAD_BALANCER_TYPES, LOCATION_NAMES, ORDERABLE_SERVER_TYPES, SERVER_TYPES, type ServerTypeName } from '../hetzner';
import { GIT_VERIFICATION_MODES } from '../signing';
import { NODE_SOFTWARE } from '../versions';

/** `apiVersion` every spec must carry. */
export const SPEC_API_VERSION = 'catalyst.openova.io/v1alpha1';

/** Building blocks of a Sovereign (naming facts): management, restricted trust zone, internet edge. */
export const BUILDING_BLOCKS = ['mgt', 'rtz', 'dmz'] as const;
/** Environment types (naming facts). */
export const ENV_TYPES = ['prod', 'stg', 'uat', 'dev', 'poc'] as const;
/** CPU architectures a region can run: Hetzner's x86 (Intel/AMD) and arm (Ampere) server types. */
export const ARCHITECTURES = ['x86', 'arm'] as const;

/** Slugs used for Sovereign and Organization names: lowercase, 3-32 characters, starting with a letter. */
const SLUG = /^[a-z][a-z0-9-]{1,30}[a-z0-9]$/;
/** A lowercase RFC 1035 domain name with at least two labels. */
const FQDN = /^(?=.{4,253}$)([a-z]([a-z0-9-]{0,61}[a-z0-9])?\.)+[a-z]([a-z0-9-]{0,61}[a-z0-9])?$/;
/** k3s release names such as the default `NODE_SOFTWARE.k3s` (that the release exists is checked in ./validate.ts). */
const K3S_VERSION = /^v\d+\.\d+\.\d+\+k3s\d+$/;
/** A 5-field cron schedule (minute hour day-of-month month day-of-week) of digits, `*`, `/`, `,` and `-`. */
const CRON = /^([0-9*/,-]+)( [0-9*/,-]+){4}$/;
/** S3 bucket names (https://docs.aws.amazon.com/AmazonS3/latest/userguide/bucketnamingrules.html). */
const S3_BUCKET = /^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$/;
/** An https:// endpoint URL without path, e.g. https://fsn1.your-objectstorage.com. */
const HTTPS_ENDPOINT = /^https:\/\/[^\s/]+\/?$/;
/** Kubernetes label keys (optional DNS prefix + name) and values. */
const K8S_LABEL_KEY = /^([a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*\/)?[A-Za-z0-9]([-A-Za-z0-9_.]{0,61}[A-Za-z0-9])?$/;
const K8S_LABEL_VALUE = /^([A-Za-z0-9]([-A-Za-z0-9_.]{0,61}[A-Za-z0-9])?)?$/;
/** Organization names that would collide with platform namespaces or Gitea orgs (naming facts). */
export const RESERVED_ORGANIZATION_NAMES = ['system', 'flux', 'crossplane', 'catalyst', 'gitea'] as const;

/** A URL's scheme (group 1) followed by user info (`user@` or `user:secret@`) before its host. */
export const URL_USER_INFO = /^([a-z][a-z0-9+.-]*:\/\/)[^/?#\s]*@/i;

const hasUserInfo = (url: string) => URL_USER_INFO.test(url);

const slug = (what: string) =>
  z.string().regex(SLUG, { error: `must be a ${what}: 3-32 characters of a-z, 0-9 and '-', starting with a letter and not ending with '-'` });

const cidr = z.string().describe('IPv4 CIDR block, e.g. 10.0.0.0/16');

/** A relative folder (no leading or trailing `/`, no `..`), e.g. `clusters`. */
const relativeFolder = (example: string) =>
  z
    .string()
    .regex(/^[a-z0-9][a-z0-9._/-]*[a-z0-9]$/, { error: `must be a relative folder such as '${example}' (no leading or trailing '/')` })
    .refine((p) => !p.split('/').includes('..'), { error: "must not contain '..'" });


/**
 * A Hetzner server type Hetzner still sells. A deprecated type (CX Gen2, CPX Gen1) is refused with its
 * replacement as the fix; the JSON Schema lists the orderable types only.
 */
const serverType = z
  .enum(ORDERABLE_SERVER_TYPES as [ServerTypeName, ...ServerTypeName[]], {
    error: (issue) => {
      const known = typeof issue.input === 'string' ? SERVER_TYPES[issue.input] : undefined;
      if (known?.deprecated) {
        const next = SERVER_TYPES[known.deprecated.replacement]!;
        return `is no longer sold by Hetzner (not orderable after ${known.deprecated.unavailableAfter}); use ${next.name} (${describeServerType(next)}) instead of ${known.name} (${describeServerType(known)})`;
      }
      return `must be a Hetzner server type: one of ${ORDERABLE_SERVER_TYPES.join(', ')}`;
    },
  })
  .describe('Hetzner server type, e.g. cx43 (see https://www.hetzner.com/cloud); CX Gen2 (cx22-cx52) and CPX Gen1 (cpx11-cpx51) are no longer sold');

/** Default server type of the control plane: 8 vCPU, 16 GB RAM (Cost-Optimized, EU locations). */
export const DEFAULT_CONTROL_PLANE_SERVER_TYPE: ServerTypeName = 'cx43';

/** A firewall source: IPv4 or IPv6 CIDR (checked in ./validate.ts). */
const sourceCidr = z.string().describe('IPv4 or IPv6 CIDR block, e.g. 203.0.113.0/24 or 2001:db8::/32');

/** A Kubernetes taint put on every node of a pool at registration. */
const TaintSchema = z.strictObject({
  key: z.string().regex(K8S_LABEL_KEY, { error: 'must be a valid Kubernetes taint key' }).describe('Taint key, e.g. dedicated'),
  value: z.string().regex(K8S_LABEL_VALUE, { error: 'must be a valid Kubernetes label value (63 characters of A-Z, a-z, 0-9, -, _, .)' }).optional().describe('Taint value, e.g. gpu'),
  effect: z.enum(['NoSchedule', 'PreferNoSchedule', 'NoExecute'], { error: 'must be NoSchedule, PreferNoSchedule or NoExecute' }).describe('What the taint does to pods that do not tolerate it'),
});

/** A node pool: identical worker servers. */
const WorkerPoolSchema = z
  .strictObject({
    name: z
      .string()
      .regex(/^[a-z][a-z0-9-]{0,18}[a-z0-9]$/, { error: "must be 2-20 characters of a-z, 0-9 and '-', starting with a letter" })
      .describe('Pool name, unique within the region; part of server names'),
    serverType: serverType,
    count: z.number().int().min(1, { error: 'must be at least 1 (remove the pool to have none)' }).max(50, { error: 'must be at most 50 servers per pool' }).describe('Number of servers'),
    labels: z
      .record(z.string().regex(K8S_LABEL_KEY, { error: 'must be a valid Kubernetes label key' }), z.string().regex(K8S_LABEL_VALUE, { error: 'must be a valid Kubernetes label value' }))
      .prefault({})
      .describe('Kubernetes node labels set at registration'),
    taints: z.array(TaintSchema).prefault([]).describe('Kubernetes node taints set at registration'),
    privateOnly: z
      .boolean()
      .prefault(false)
      .describe(
        "Servers get no public IPv4 or IPv6; they reach the internet through NAT (a 0.0.0.0/0 route of the region network) on the region's natGateway, or without one on its first control plane server. Default false",
      ),
  })
  .describe('A worker node pool');

/** One region: one Kubernetes cluster in one Hetzner location. */
const RegionSchema = z.strictObject({
  location: z.enum(LOCATION_NAMES, { error: `must be a Hetzner location: one of ${LOCATION_NAMES.join(', ')}` }).describe('Hetzner location'),
  buildingBlock: z.enum(BUILDING_BLOCKS, { error: `must be one of ${BUILDING_BLOCKS.join(', ')}` }).prefault('mgt').describe('Building block of this cluster: mgt, rtz or dmz'),
  envType: z.enum(ENV_TYPES, { error: `must be one of ${ENV_TYPES.join(', ')}` }).prefault('prod').describe('Environment type'),
  architecture: z
    .enum(ARCHITECTURES, { error: `must be one of ${ARCHITECTURES.join(', ')}` })
    .prefault('x86')
    .describe('CPU architecture of every server of the region: x86 (cx, cpx, ccx types) or arm (cax types). One per region, so no image is pulled for an architecture it was not built for'),
  network: z
    .strictObject({
      cidr: cidr.optional().describe('Private network range; default 10.<region index>.0.0/16'),
      nodeSubnet: cidr.optional().describe('Subnet the servers live in, inside `cidr`; default the second /24 of `cidr` (10.0.1.0/24)'),
      podCidr: cidr.optional().describe('Kubernetes pod range; default 10.42.0.0/16 for the first region, 10.44.0.0/16 for the second'),
      serviceCidr: cidr.optional().describe('Kubernetes service range; default 10.43.0.0/16 for the first region, 10.45.0.0/16 for the second'),
    })
    .prefault({})
    .describe('The four IPv4 ranges of the region; every one has a default'),
  controlPlane: z
    .strictObject({
      serverType: serverType.prefault(DEFAULT_CONTROL_PLANE_SERVER_TYPE),
      count: z
        .union([z.literal(1), z.literal(3)], { error: 'must be 1 or 3: embedded etcd needs an odd quorum, and 3 is the HA size' })
        .prefault(1)
        .describe('Control plane servers: 1, or 3 for HA'),
    })
    .prefault({})
    .describe('The k3s servers running etcd and the API'),
  workerPools: z.array(WorkerPoolSchema).prefault([]).describe('Worker node pools; none means workloads run on the control plane'),
  natGateway: z
    .strictObject({
      serverType: serverType.describe('Server type of the NAT gateway, e.g. cx23 (EU) or cpx22; it forwards packets only'),
    })
    .optional()
    .describe(
      "A dedicated NAT gateway server for the region's private-only pools, instead of the first control plane server: its own server with a stable primary IPv4 (hcloud_primary_ip, kept when the server is replaced), so egress survives losing a control plane server and partners can allowlist one address",
    ),
});

const BackendSchema = z.discriminatedUnion(
  'type',
  [
    z.strictObject({ type: z.literal('local').describe('State in terraform-state/<stack>.tfstate beside the cdktf output folder') }),
    z.strictObject({
      type: z.literal('s3').describe('State in an S3 bucket, locked with a lock file next to it (use_lockfile)'),
      bucket: z.string().regex(S3_BUCKET, { error: 'must be a valid S3 bucket name' }).describe('Bucket that holds the state objects'),
      region: z.string().min(1).describe('S3 region, e.g. fsn1 for Hetzner Object Storage'),
      endpoint: z
        .string()
        .regex(HTTPS_ENDPOINT, { error: 'must be an https:// endpoint URL, e.g. https://fsn1.your-objectstorage.com' })
        .refine((u) => !hasUserInfo(u), { error: 'must not carry credentials (user:key@); give the S3 keys to Terraform through AWS_ACCESS_KEY_ID/AWS_SECRET_ACCESS_KEY' })
        .describe('S3 endpoint, e.g. https://fsn1.your-objectstorage.com (Hetzner Object Storage)'),
      keyPrefix: z.string().regex(/^[A-Za-z0-9._/-]*$/).prefault('').describe('Prefix of the state object keys'),
    }),
  ],
  { error: "must have type 'local' or 's3'" },
);

/**
 * Scheduled etcd snapshots of every control plane server, uploaded to S3-compatible storage
 * (k3s `etcd-snapshot-*` and `etcd-s3-*`, https://docs.k3s.io/cli/etcd-snapshot). The keys come from
 * the sensitive Terraform variables `etcd_s3_access_key` / `etcd_s3_secret_key`, never from the spec.
 */
const EtcdSnapshotsSchema = z
  .strictObject({
    schedule: z
      .string()
      .regex(CRON, { error: "must be a 5-field cron schedule (minute hour day-of-month month day-of-week) such as '0 */6 * * *'" })
      .prefault('0 */6 * * *')
      .describe('When every control plane server takes a snapshot (cron, server time, UTC on the Ubuntu image). Default every 6 hours'),
    retention: z
      .number()
      .int({ error: 'must be a whole number of snapshots' })
      .min(1, { error: 'must keep at least 1 snapshot' })
      .max(1000, { error: 'must be at most 1000 snapshots' })
      .prefault(28)
      .describe('Snapshots k3s keeps, on each server and in the bucket. Default 28 (one week at the default schedule)'),
    s3: z
      .strictObject({
        endpoint: z
          .string()
          .regex(HTTPS_ENDPOINT, { error: 'must be an https:// endpoint URL without a path, e.g. https://fsn1.your-objectstorage.com' })
          .refine((u) => !hasUserInfo(u), { error: 'must not carry credentials (user:key@); give the keys to Terraform through the variables etcd_s3_access_key/etcd_s3_secret_key' })
          .describe('S3 endpoint, e.g. https://fsn1.your-objectstorage.com (Hetzner Object Storage)'),
        bucket: z.string().regex(S3_BUCKET, { error: 'must be a valid S3 bucket name (3-63 characters of a-z, 0-9, . and -)' }).describe('Bucket that receives the snapshots'),
        region: z.string().regex(/^[a-z0-9-]{1,40}$/, { error: 'must be an S3 region such as fsn1' }).describe('S3 region, e.g. fsn1'),
        folder: relativeFolder('etcd-snapshots')
          .prefault('etcd-snapshots')
          .describe('Folder in the bucket; each cluster writes to <folder>/<cluster name>'),
      })
      .describe('S3-compatible storage for the snapshots'),
  })
  .describe('Scheduled etcd snapshots uploaded to S3-compatible storage; the access and secret key come from the Terraform variables etcd_s3_access_key and etcd_s3_secret_key');

/**
 * OpenPGP verification of the GitOps repository's commits (Flux `GitRepository.spec.verify`,
 * https://fluxcd.io/flux/components/source/gitrepositories/#verification).
 */
const GitVerifySchema = z
  .strictObject({
    mode: z
      .enum(GIT_VERIFICATION_MODES, { error: `must be one of ${GIT_VERIFICATION_MODES.join(', ')}` })
      .prefault('HEAD')
      .describe('What Flux verifies: HEAD, the commit at the head of spec.gitops.branch. Tag and TagAndHEAD verify a tag object and need a tag checkout, which a branch is not'),
    publicKeys: z
      .array(z.string())
      .min(1, { error: 'must list at least one ASCII-armored OpenPGP public key' })
      .describe('ASCII-armored OpenPGP public keys of the trusted committers (gpg --export --armor <key-id>); public keys only'),
  })
  .describe('Refuse commits that are not signed by one of the keys: Flux verifies the OpenPGP signature of every revision before applying it');

/**
 * Cosign verification of a Blueprint's OCI chart (Flux `OCIRepository.spec.verify`,
 * https://fluxcd.io/flux/components/source/ocirepositories/#verification). Exactly one of
 * `matchOIDCIdentity` and `publicKeySecret` (checked in ./validate.ts).
 */
export const ChartVerifySchema = z
  .strictObject({
    provider: z.literal('cosign', { error: "must be 'cosign'" }).prefault('cosign').describe('Signature technology: cosign'),
    matchOIDCIdentity: z
      .array(
        z.strictObject({
          issuer: z.string().describe('Go regex of the OIDC issuer, anchored with ^ and $, e.g. ^https://token\\.actions\\.githubusercontent\\.com$'),
          subject: z.string().describe('Go regex of the signing identity, anchored with ^ and $, e.g. ^https://github\\.com/acme/charts/\\.github/workflows/release\\.yml@refs/tags/.+$'),
        }),
      )
      .optional()
      .describe('Keyless signing: the signature certificate must match one of these issuer/subject pairs'),
    publicKeySecret: z
      .string()
      .regex(/^[a-z0-9]([-a-z0-9.]{0,251}[a-z0-9])?$/, { error: 'must be a Kubernetes Secret name (lowercase letters, digits, - and .)' })
      .optional()
      .describe('Signing with a key: name of a Secret in flux-system that holds the cosign public keys as <name>.pub entries (e.g. cosign.pub); create it yourself'),
  })
  .describe('Verify the cosign signature of the chart before Flux installs it; set matchOIDCIdentity or publicKeySecret');

/** The whole Sovereign document. */
export const SovereignSchema = z
  .strictObject({
    apiVersion: z.literal(SPEC_API_VERSION, { error: `must be ${SPEC_API_VERSION}` }).describe('API version of the spec format'),
    kind: z.literal('Sovereign', { error: 'must be Sovereign' }).describe('Always Sovereign'),
    metadata: z
      .strictObject({
        name: slug('slug').describe('Sovereign name, e.g. omantel; prefixes every Hetzner resource name'),
      })
      .describe('The Sovereign\'s name'),
    spec: z.strictObject({
      fqdn: z
        .string()
        .regex(FQDN, { error: 'must be a lowercase DNS name with at least two labels, e.g. omantel.omani.works' })
        .describe('DNS name of the Sovereign'),
      organization: z.strictObject({
        name: slug('Organization slug')
          .refine((v) => !(RESERVED_ORGANIZATION_NAMES as readonly string[]).includes(v) && !v.startsWith('kube-'), {
            error: `is reserved (${RESERVED_ORGANIZATION_NAMES.join(', ')}, kube-*); choose another Organization name`,
          })
          .describe('Organization that owns the Sovereign'),
        displayName: z.string().min(1).max(100).optional().describe('Human-readable Organization name'),
        adminEmail: z.email({ error: 'must be an email address, e.g. ops@example.com' }).describe('Email of the first sovereign-admin'),
      }).describe('The Organization that owns the Sovereign and its first administrator'),
      regions: z
        .array(RegionSchema)
        .min(1, { error: 'must list one or two regions' })
        .max(2, { error: 'must list one or two regions; a Sovereign spans at most two' })
        .describe('One or two regions; the first is the primary'),
      ssh: z.strictObject({
        publicKeys: z.array(z.string()).min(1, { error: 'must list at least one OpenSSH public key for break-glass access' }).describe('OpenSSH public keys (ssh-ed25519, ssh-rsa, ecdsa-sha2-nistp256)'),
        allowedCidrs: z.array(sourceCidr).prefault([]).describe('Sources allowed to reach port 22; empty keeps SSH closed'),
        allowFromInternet: z
          .boolean()
          .prefault(false)
          .describe('Confirms that allowedCidrs may contain 0.0.0.0/0 or ::/0 (SSH open to the whole internet); a warning is printed on every synth'),
      }).describe('Break-glass SSH access to the servers'),
      kubernetes: z
        .strictObject({
          k3sVersion: z
            .string()
            .regex(K3S_VERSION, { error: `must be a k3s release such as ${NODE_SOFTWARE.k3s}` })
            .prefault(NODE_SOFTWARE.k3s)
            .describe(`k3s release every new node installs, e.g. ${NODE_SOFTWARE.k3s} (a published release; see lib/k3s-releases.ts). Running nodes are upgraded to it by the system-upgrade-controller Plans`),
          apiAllowedCidrs: z.array(sourceCidr).prefault([]).describe('Sources allowed to reach the Kubernetes API (6443) through the firewall and load balancer; empty keeps it closed'),
          allowApiFromInternet: z
            .boolean()
            .prefault(false)
            .describe('Confirms that apiAllowedCidrs may contain 0.0.0.0/0 or ::/0 (Kubernetes API open to the whole internet); a warning is printed on every synth'),
          etcdSnapshots: EtcdSnapshotsSchema.optional().describe('Scheduled etcd snapshots to S3-compatible storage; default none'),
        })
        .prefault({})
        .describe('The k3s release and who may reach the Kubernetes API'),
      loadBalancer: z
        .strictObject({
          type: z
            .enum(Object.keys(LOAD_BALANCER_TYPES) as [string, ...string[]], { error: `must be one of ${Object.keys(LOAD_BALANCER_TYPES).join(', ')}` })
            .prefault('lb11')
            .describe('Hetzner load balancer type of the ingress load balancer: lb11, lb21 or lb31. Default lb11'),
          proxyProtocol: z
            .boolean()
            .prefault(true)
            .describe(
              "The load balancer's 80/443 services send the PROXY protocol and Cilium's Ingress controller expects it, so applications see client IPs. Turning it off (or on) on a running cluster: push the GitOps change and apply Terraform together, ingress fails in between. Default true",
            ),
        })
        .prefault({})
        .describe('The ingress load balancer of each region'),
      gitops: z.strictObject({
        url: z
          .string()
          .regex(/^https:\/\/[^\s]+$/, { error: 'must be an https:// Git URL' })
          .refine((u) => !hasUserInfo(u), { error: "must not carry credentials (user:token@); set auth: 'token' and pass the Terraform variables git_username/git_token instead, and rotate the exposed token" })
          .describe('Git repository Flux watches'),
        branch: z.string().regex(/^[A-Za-z0-9._/-]+$/, { error: 'must be a Git branch name' }).prefault('main').describe('Branch Flux follows. Default main'),
        path: relativeFolder('clusters')
          .prefault('clusters')
          .describe('Folder of the repository that holds one folder per cluster'),
        auth: z
          .enum(['none', 'token'], { error: "must be 'none' (public repository) or 'token' (HTTPS token from the Terraform variables git_username/git_token)" })
          .prefault('none')
          .describe('none for a public repository, token for HTTPS credentials from the Terraform variables git_username/git_token. Default none'),
        verify: GitVerifySchema.optional().describe('OpenPGP verification of the commits Flux applies; default none'),
      }).describe('The Git repository Flux reads its desired state from'),
      terraform: z
        .strictObject({ backend: BackendSchema.prefault({ type: 'local' }).describe('Where Terraform keeps the state of each stack. Default local') })
        .prefault({})
        .describe('Terraform settings'),
      deleteProtection: z
        .boolean()
        .prefault(false)
        .describe(
          'Turns on Hetzner delete protection of every server, network and load balancer, and rebuild protection of every server (Hetzner requires both flags of a server to be equal); turn it off and apply before destroying. Default false',
        ),
      blueprints: z
        .strictObject({
          install: z.array(z.string()).optional().describe('Blueprint names to install; default: the bootstrap kit. Dependencies are added automatically'),
          values: z.record(z.string(), z.record(z.string(), z.unknown())).prefault({}).describe('Raw Helm values per Blueprint name, merged last'),
          props: z
            .record(z.string(), z.record(z.string(), z.unknown()))
            .prefault({})
            .describe("Typed props per Blueprint name, e.g. keycloak: { replicas: 2 }, checked against each Blueprint's props schema"),
          verify: z
            .record(z.string(), ChartVerifySchema)
            .prefault({})
            .describe('Cosign signature verification per Blueprint name, for Blueprints whose chart comes from an oci:// registry'),
        })
        .prefault({})
        .describe('Which Blueprints to install and how: names, typed props, raw Helm values, chart verification'),
    }).describe('The Sovereign: its name in DNS, Organization, regions, access, GitOps repository and Blueprints'),
  })
  .describe('A Catalyst Sovereign: Hetzner infrastructure and the Blueprints Flux installs on it');

/** A spec as written (defaults not applied). */
export type SovereignSpecInput = z.input<typeof SovereignSchema>;
/** A spec after shape validation, with schema defaults applied. */
export type SovereignSpecParsed = z.output<typeof SovereignSchema>;
/** One region as parsed. */
export type RegionSpecParsed = SovereignSpecParsed['spec']['regions'][number];
/** One worker pool. */
export type WorkerPoolSpec = RegionSpecParsed['workerPools'][number];
/** One node taint. */
export type TaintSpec = WorkerPoolSpec['taints'][number];
/** OpenPGP verification of the GitOps repository's commits, defaults applied. */
export type GitVerifySpec = z.output<typeof GitVerifySchema>;
/** Cosign verification of one Blueprint's OCI chart, defaults applied. */
export type ChartVerifySpec = z.output<typeof ChartVerifySchema>;
/** Scheduled etcd snapshots to S3, defaults applied. */
export type EtcdSnapshotsSpec = z.output<typeof EtcdSnapshotsSchema>;
/** Terraform state backend settings. */
export type BackendSpec = SovereignSpecParsed['spec']['terraform']['backend'];

/** A Blueprint as the JSON Schema of the spec lists it: its catalog name and its props schema. */
export interface SchemaBlueprint {
  /** Catalog name, e.g. `keycloak`. */
  readonly name: string;
  /** zod schema of the props a spec may set (`BlueprintClass.propsSchema`). */
  readonly propsSchema: z.ZodType;
}

/**
 * Returns the JSON Schema (draft 2020-12) of the spec as users write it. With `blueprints`, the
 * Blueprint fields list them: `install` items, and the keys of `values`, `verify` and `props` are
 * their names, and `props.<name>` is that Blueprint's props schema, so editors complete both.
 */
export function sovereignJsonSchema(blueprints: readonly SchemaBlueprint[] = []): Record<string, unknown> {
  const schema = z.toJSONSchema(SovereignSchema, { io: 'input' }) as Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any
  if (blueprints.length === 0) return schema;
  const section = schema.properties.spec.properties.blueprints.properties;
  const names = blueprints.map((b) => b.name).sort();
  section.install.items = { type: 'string', enum: names };
  for (const key of ['values', 'verify']) section[key].propertyNames = { enum: names };
  const props = Object.fromEntries(
    [...blueprints].sort((a, b) => a.name.localeCompare(b.name)).map((b) => {
      const { $schema: _ignored, ...json } = z.toJSONSchema(b.propsSchema, { io: 'input', unrepresentable: 'any' }) as Record<string, unknown>;
      return [b.name, json];
    }),
  );
  section.props = { description: section.props.description, type: 'object', properties: props, additionalProperties: false };
  return schema;
}
