import { ApiObject } from 'cdk8s';
import type { Construct } from 'constructs';
import { z } from 'zod';
import type { BlueprintMetadata, BlueprintProps } from '../../lib/blueprint';
import type { Cluster } from '../../lib/cluster';
import { chartPin } from '../../lib/versions';
import { allow, componentMetadata, restrictedContainerSecurityContext, RUNTIME_DEFAULT_SECCOMP, resources, wholeNumber } from '../common';
import { HELM_PROPS_SCHEMA, HelmBlueprint } from '../helm';
import { blueprintLabels } from '../namespace';
import { CertManager } from './cert-manager';

/** API version of the ClusterImagePolicy kind (CRD `clusterimagepolicies.policy.sigstore.dev`, served as v1alpha1 and v1beta1 by the pinned chart). */
export const CLUSTER_IMAGE_POLICY_API_VERSION = 'policy.sigstore.dev/v1beta1';

/** Label a namespace carries to have its pods' images checked (the chart's `webhook.namespaceSelector`). */
export const SIGSTORE_INCLUDE_LABEL = 'policy.sigstore.dev/include';

/** Port of the policy-controller webhook in its pod (`templates/webhook/deployment_webhook.yaml`: containerPort 8443). */
export const SIGSTORE_WEBHOOK_PORT = 8443;

/** Sigstore's public-good Fulcio, the certificate authority of keyless signatures. */
export const PUBLIC_FULCIO_URL = 'https://fulcio.sigstore.dev';

/** Name of the ClusterImagePolicy this Blueprint renders. */
export const CLUSTER_IMAGE_POLICY = 'catalyst-signed-images';

/** One signer identity of keyless (Fulcio) signatures: the OIDC issuer and the subject, each exact or a regular expression. */
export interface KeylessIdentity {
  /** Exact OIDC issuer, e.g. `https://token.actions.githubusercontent.com`. Exactly one of `issuer` and `issuerRegExp`. */
  readonly issuer?: string;
  /** Regular expression the issuer must match. */
  readonly issuerRegExp?: string;
  /** Exact subject, e.g. `https://github.com/acme/app/.github/workflows/release.yaml@refs/heads/main`. Exactly one of `subject` and `subjectRegExp`. */
  readonly subject?: string;
  /** Regular expression the subject must match, e.g. `^https://github.com/acme/.*$`. */
  readonly subjectRegExp?: string;
}

/** Props of the Sigstore policy-controller Blueprint. */
export interface SigstoreProps extends BlueprintProps {
  /**
   * Image references the policy covers, as globs (`ghcr.io/acme/**`); images matching none are
   * handled by the controller's no-match policy (deny, upstream default) in included namespaces.
   * @default ['**'] (every image)
   */
  readonly images?: readonly string[];
  /**
   * Keyless signers an image may be signed by (certificates from Sigstore's public Fulcio, entries in
   * Rekor). An image passes when one authority (a keyless identity or a public key) verifies it.
   * @default none; with no `publicKeys` either, any identity Fulcio certified (`.*` issuer and
   *   subject): the image must be signed by someone, in `warn` mode
   */
  readonly keyless?: readonly KeylessIdentity[];
  /** PEM-encoded public keys (ECDSA P-256 or RSA) of `cosign sign --key` signers; public, so they may live in Git. @default none */
  readonly publicKeys?: readonly string[];
  /**
   * `enforce` rejects pods whose images fail the policy; `warn` admits them with a warning.
   * @default 'enforce' when `keyless` or `publicKeys` is set, else 'warn'
   */
  readonly mode?: 'enforce' | 'warn';
  /**
   * What the API server does when the webhook cannot be reached, for pods in included namespaces:
   * `Fail` rejects them (images are never admitted unchecked), `Ignore` admits them.
   * @default 'Fail' (the chart's default; only namespaces labelled `policy.sigstore.dev/include=true` are affected)
   */
  readonly failurePolicy?: 'Fail' | 'Ignore';
  /** Webhook replicas, 1-3; the chart keeps one available through disruptions. @default 1 */
  readonly replicas?: number;
}

/** The non-root user (and group) the policy-controller's pods run as: the distroless `nonroot` user of its image. */
const NONROOT = 65532;

const PEM_PUBLIC_KEY = /^-----BEGIN PUBLIC KEY-----\n[A-Za-z0-9+/=\n]+\n-----END PUBLIC KEY-----\n?$/;

/** zod schema of one keyless identity: exactly one issuer field and one subject field. */
const KEYLESS_IDENTITY_SCHEMA = z
  .strictObject({
    issuer: z.url({ protocol: /^https$/, error: 'must be an https:// OIDC issuer URL' }).optional().describe('Exact OIDC issuer URL'),
    issuerRegExp: z.string().min(1).optional().describe('Regular expression the OIDC issuer must match'),
    subject: z.string().min(1).optional().describe('Exact certificate subject (e-mail or workflow URI)'),
    subjectRegExp: z.string().min(1).optional().describe('Regular expression the certificate subject must match'),
  })
  .refine((i) => (i.issuer === undefined) !== (i.issuerRegExp === undefined), { error: 'set exactly one of issuer and issuerRegExp' })
  .refine((i) => (i.subject === undefined) !== (i.subjectRegExp === undefined), { error: 'set exactly one of subject and subjectRegExp' });

/**
 * The Sigstore policy-controller: an admission webhook that admits a pod only when its images carry a
 * valid cosign signature from an authority a `ClusterImagePolicy` names (keyless signers certified by
 * Fulcio and logged in Rekor, or public keys).
 *
 * Opt-in per namespace, as the chart requires: the webhook sees only namespaces labelled
 * `policy.sigstore.dev/include=true` (`SIGSTORE_INCLUDE_LABEL`). No Blueprint namespace carries the
 * label: the platform's own charts are verified at the source instead (`props.verify` of OCI charts),
 * and their images are signed by many upstream identities. Tenants label their namespaces.
 *
 * The `-config` folder holds one `ClusterImagePolicy` (`catalyst-signed-images`) over `props.images`
 * with the props' authorities. Without any, its authority is "any identity Fulcio certified" in `warn`
 * mode: unsigned images are admitted with a warning, so labelling a namespace breaks nothing until a
 * platform team names its signers; naming them switches the default mode to `enforce`. The
 * ClusterImagePolicy CRD is templated in the chart, so the chart cache has no plain copy: the kind is in
 * `UNVALIDATED_KINDS`, its object is checked field by field in the Blueprint's test, and those fields
 * were validated against the CRD that `helm template` renders from the chart at the pin.
 *
 * The chart generates and rotates the webhook's certificate itself (knative's certificate
 * controller); the reference's edge to cert-manager is kept as a golden fact of the kit. Security
 * contexts: the chart's `webhook.podSecurityContext` is the container's and `webhook.securityContext`
 * the pod's; both are set restricted (non-root 65532, no capabilities, read-only root filesystem,
 * RuntimeDefault seccomp). The chart's post-delete leases-cleanup Job gets the same restricted container context (without it
 * the namespace's Pod Security would reject its pod and an uninstall would hang on the hook); it keeps
 * its upstream image (`cgr.dev/chainguard/kubectl:latest-dev`, the only tag Chainguard publishes
 * without a subscription).
 * Network: the API server calls the webhook; the controller reads policies through the API and
 * fetches signatures from the images' registries and Sigstore's trust root, Fulcio and Rekor (443).
 *
 * Source: chart `policy-controller` (`CHARTS['policy-controller']`,
 * https://github.com/sigstore/helm-charts/tree/main/charts/policy-controller),
 * https://docs.sigstore.dev/policy-controller/overview/; reference kit slot 32.
 */
export class Sigstore extends HelmBlueprint<SigstoreProps> {
  /** The props a spec may set (`spec.blueprints.props.sigstore`). */
  static readonly propsSchema = HELM_PROPS_SCHEMA.extend({
    images: z.array(z.string().regex(/^\S+$/, { error: 'must be an image glob without spaces, e.g. ghcr.io/acme/**' })).min(1).optional().describe('Image globs the policy covers; default every image (**)'),
    keyless: z.array(KEYLESS_IDENTITY_SCHEMA).min(1).optional().describe('Keyless signer identities (issuer and subject, exact or regular expression)'),
    publicKeys: z.array(z.string().regex(PEM_PUBLIC_KEY, { error: 'must be a PEM public key (-----BEGIN PUBLIC KEY----- ... -----END PUBLIC KEY-----)' })).min(1).optional().describe('PEM public keys of key-based cosign signers'),
    mode: z.literal(['enforce', 'warn'], { error: 'must be enforce or warn' }).optional().describe('Reject (enforce) or warn on images failing the policy; default enforce with signers named, else warn'),
    failurePolicy: z.literal(['Fail', 'Ignore'], { error: 'must be Fail or Ignore' }).optional().describe('What the API server does when the webhook is unreachable; default Fail'),
    replicas: wholeNumber(1, 3).optional().describe('Webhook replicas, 1-3; default 1'),
  }) satisfies z.ZodType<SigstoreProps>;

  /** Catalog metadata: bootstrap kit slot 32, namespace sigstore-system, after cert-manager (the reference edge). */
  static readonly metadata: BlueprintMetadata = componentMetadata({
    name: 'sigstore',
    title: 'Sigstore Policy Controller',
    category: 'security',
    tier: 'bootstrap-kit',
    summary: 'Admits pods only when their images carry valid cosign signatures from named signers.',
    pin: chartPin('policy-controller'),
    kitSlot: 32,
    namespace: 'sigstore-system',
    podSecurity: 'the webhook and the post-delete leases-cleanup Job run as non-root 65532 with no capabilities, a read-only root filesystem and the RuntimeDefault seccomp profile (set through the chart\'s webhook.securityContext and webhook.podSecurityContext)',
    dependsOn: [CertManager],
    installsCrds: true,
    placementModes: ['active-active', 'single-region'],
    resources: { cpuMillis: 100, memoryMiB: 128 },
    templateValues: [
      ...['runAsNonRoot', 'seccompProfile'].map((key) => ({
        path: `webhook.podSecurityContext.${key}`,
        template: 'templates/webhook/deployment_webhook.yaml',
        why: `the webhook container's securityContext is the whole webhook.podSecurityContext map without its enabled key (omit . "enabled" | toYaml); the default in values.yaml lacks ${key}`,
      })),
      ...['allowPrivilegeEscalation', 'capabilities', 'readOnlyRootFilesystem', 'runAsNonRoot', 'runAsUser', 'seccompProfile'].map((key) => ({
        path: `leasescleanup.podSecurityContext.${key}`,
        template: 'templates/webhook/cleanup-leases.yaml',
        why: `the post-delete leases-cleanup Job's container securityContext is the whole leasescleanup.podSecurityContext map without its enabled key; the default in values.yaml has enabled only, not ${key}`,
      })),
      ...['runAsNonRoot', 'runAsGroup', 'seccompProfile'].map((key) => ({
        path: `webhook.securityContext.${key}`,
        template: 'templates/webhook/deployment_webhook.yaml',
        why: `the webhook pod's securityContext is the whole webhook.securityContext map without its enabled key; the default in values.yaml has runAsUser only, not ${key}`,
      })),
    ],
    network: {
      ingress: [allow.apiserver(`the API server calls the admission webhook (containerPort ${SIGSTORE_WEBHOOK_PORT} behind Service webhook:443)`, [SIGSTORE_WEBHOOK_PORT])],
      egress: [
        allow.apiserver('the controller reads ClusterImagePolicies and Secrets and manages its webhook configurations and certificate'),
        allow.internet([443], 'fetches signatures from the images\' registries and verifies them against Sigstore\'s trust root (TUF), Fulcio and Rekor'),
      ],
    },
  });

  /** Values of the pinned chart: CRDs, replicas, failure policy, restricted pod and container security contexts, the requests. */
  protected curatedValues(_ctx: Cluster): Record<string, unknown> {
    const p = this.props;
    return {
      installCRDs: true,
      webhook: {
        replicaCount: p.replicas ?? 1,
        failurePolicy: p.failurePolicy ?? 'Fail',
        resources: resources('100m', '128Mi', '512Mi'),
        securityContext: { enabled: true, runAsNonRoot: true, runAsUser: NONROOT, runAsGroup: NONROOT, seccompProfile: RUNTIME_DEFAULT_SECCOMP },
        podSecurityContext: { enabled: true, ...restrictedContainerSecurityContext(), runAsUser: NONROOT },
      },
      leasescleanup: { podSecurityContext: { enabled: true, ...restrictedContainerSecurityContext(), runAsUser: NONROOT } },
      serviceMonitor: { enabled: false },
    };
  }

  /** The authorities of the ClusterImagePolicy: the props' keyless identities and public keys, else any Fulcio-certified identity. */
  private authorities(): Record<string, unknown>[] {
    const p = this.props;
    const keyless = (identities: readonly KeylessIdentity[]) => ({ keyless: { url: PUBLIC_FULCIO_URL, identities: identities.map((i) => ({ ...i })) } });
    const named = [...(p.keyless ? [{ name: 'keyless', ...keyless(p.keyless) }] : []), ...(p.publicKeys ?? []).map((data, i) => ({ name: `key-${i + 1}`, key: { data } }))];
    return named.length > 0 ? named : [{ name: 'any-fulcio-identity', ...keyless([{ issuerRegExp: '.*', subjectRegExp: '.*' }]) }];
  }

  /** Renders the ClusterImagePolicy `catalyst-signed-images` (see the class). */
  protected override renderConfig(scope: Construct, ctx: Cluster): void {
    const p = this.props;
    const named = p.keyless !== undefined || p.publicKeys !== undefined;
    new ApiObject(scope, 'cluster-image-policy', {
      apiVersion: CLUSTER_IMAGE_POLICY_API_VERSION,
      kind: 'ClusterImagePolicy',
      metadata: { name: CLUSTER_IMAGE_POLICY, labels: blueprintLabels(this, ctx) },
      spec: {
        images: (p.images ?? ['**']).map((glob) => ({ glob })),
        authorities: this.authorities(),
        mode: p.mode ?? (named ? 'enforce' : 'warn'),
      },
    });
  }
}
