/**
 * Typed cdk8s constructs for the Flux objects catalyst-cdk emits, and the Secret of OpenPGP public
 * keys a GitRepository verifies commits with. API versions are those of Flux v2.4 (the version the
 * bootstrap installs): https://fluxcd.io/flux/components/
 *
 * Each construct takes only the fields we use, with Flux's own names, and renders them unchanged.
 */
import { ApiObject, Duration } from 'cdk8s';
import { Construct } from 'constructs';
import { toYaml } from '../../lib/gitops';
import { CosignVerification, cosignVerificationProblems, GitVerificationMode, parsePgpPublicKeyBlock } from '../../lib/signing';

/** API versions of the Flux kinds (Flux v2.4). */
export const FLUX_API = {
  /** `GitRepository` (https://fluxcd.io/flux/components/source/gitrepositories/). */
  gitRepository: 'source.toolkit.fluxcd.io/v1',
  /** `HelmRepository` (https://fluxcd.io/flux/components/source/helmrepositories/). */
  helmRepository: 'source.toolkit.fluxcd.io/v1',
  /** `OCIRepository` (https://fluxcd.io/flux/components/source/ocirepositories/); still beta in Flux v2.4. */
  ociRepository: 'source.toolkit.fluxcd.io/v1beta2',
  /** `HelmRelease` (https://fluxcd.io/flux/components/helm/helmreleases/). */
  helmRelease: 'helm.toolkit.fluxcd.io/v2',
  /** Flux `Kustomization` (https://fluxcd.io/flux/components/kustomize/kustomizations/). */
  kustomization: 'kustomize.toolkit.fluxcd.io/v1',
} as const;

/** Namespace of Flux's controllers and of every Flux object catalyst-cdk emits. */
export const FLUX_NAMESPACE = 'flux-system';

/** Props shared by all Flux objects here. */
export interface FluxObjectProps {
  /** Object name. */
  readonly name: string;
  /** Namespace of the object. @default 'flux-system' */
  readonly namespace?: string;
  /** Labels. @default {} */
  readonly labels?: Record<string, string>;
}

function metadata(props: FluxObjectProps) {
  return { name: props.name, namespace: props.namespace ?? FLUX_NAMESPACE, labels: props.labels };
}

/** Formats a cdk8s Duration as a Go duration string (`1h5m`), the way Flux expects. */
export function goDuration(d: Duration): string {
  const total = d.toSeconds();
  const h = Math.floor(total / 3600);
  const m = Math.floor((total % 3600) / 60);
  const s = total % 60;
  return `${h ? `${h}h` : ''}${m ? `${m}m` : ''}${s || total === 0 ? `${s}s` : ''}`;
}

/** Props of a `GitRepository` (https://fluxcd.io/flux/components/source/gitrepositories/). */
export interface GitRepositoryProps extends FluxObjectProps {
  /** https:// URL. */
  readonly url: string;
  /** Branch to follow (`spec.ref.branch`), e.g. `main`; exactly one of `branch` and `tag`. @default none: `tag` is set */
  readonly branch?: string;
  /** Release tag to check out (`spec.ref.tag`), e.g. `v1.2.3`; exactly one of `branch` and `tag`. @default none: `branch` is set */
  readonly tag?: string;
  /**
   * Commit to check out (`spec.ref.commit`, 40 hex digits), which takes precedence over the tag or
   * branch, so a moved tag changes nothing; the tag or branch then only documents the commit.
   * @default none: the tag or branch head
   */
  readonly commit?: string;
  /** How often Flux fetches the repository. @default 1 minute */
  readonly interval?: Duration;
  /** Secret in the same namespace with `username`/`password` for HTTPS. @default none (public repository) */
  readonly secretName?: string;
  /** .gitignore-style patterns of files the source leaves out. @default none */
  readonly ignore?: string;
  /** Verify OpenPGP signatures before Flux uses a revision (`spec.verify`). @default none: revisions are not verified */
  readonly verify?: GitRepositoryVerification;
}

/**
 * OpenPGP signature verification of a `GitRepository`
 * (https://fluxcd.io/flux/components/source/gitrepositories/#verification): Flux refuses a revision
 * whose commit (or tag) is not signed by one of the keys in the Secret.
 */
export interface GitRepositoryVerification {
  /**
   * What to verify: `HEAD` the commit the reference points to, `Tag` the tag object, `TagAndHEAD`
   * both. The tag modes need a tag checkout: with a branch reference Flux stalls the source.
   * @default 'HEAD'
   */
  readonly mode?: GitVerificationMode;
  /** Secret in the GitRepository's namespace whose data entries are ASCII-armored public keys (see `PgpPublicKeys`). */
  readonly secretName: string;
}

/** Props of a `PgpPublicKeys` Secret. */
export interface PgpPublicKeysProps extends FluxObjectProps {
  /**
   * ASCII-armored OpenPGP public key blocks, checked with `parsePgpPublicKeyBlock`; each becomes the
   * entry `<fingerprint of its first key>.asc`.
   */
  readonly publicKeys: readonly string[];
}

/**
 * The Secret of OpenPGP public keys a `GitRepository` verifies signatures with
 * (https://fluxcd.io/flux/components/source/gitrepositories/#verification-secret-example): one
 * ASCII-armored block per data entry, named `<fingerprint>.asc`. It holds public material only.
 */
export class PgpPublicKeys extends ApiObject {
  /**
   * @throws Error when a key is not an armored OpenPGP public key block, or two blocks start with the same key
   */
  constructor(scope: Construct, id: string, props: PgpPublicKeysProps) {
    const entries = props.publicKeys.map((text, i) => {
      const parsed = parsePgpPublicKeyBlock(text);
      if (!parsed.ok) throw new Error(`Secret ${props.name}: publicKeys[${i}] ${parsed.message}`);
      return [`${parsed.block.fingerprints[0]}.asc`, parsed.block.armored] as const;
    });
    const data = Object.fromEntries(entries);
    if (Object.keys(data).length !== entries.length) throw new Error(`Secret ${props.name}: publicKeys lists a key twice; list each key once`);
    super(scope, id, { apiVersion: 'v1', kind: 'Secret', metadata: metadata(props), type: 'Opaque', stringData: data });
  }
}

/** A Flux `GitRepository`. */
export class GitRepository extends ApiObject {
  /**
   * @throws Error when not exactly one of `branch` and `tag` is set, or `commit` is not 40 hex digits
   */
  constructor(scope: Construct, id: string, props: GitRepositoryProps) {
    if ((props.branch === undefined) === (props.tag === undefined)) throw new Error(`GitRepository ${props.name}: set exactly one of branch and tag`);
    if (props.commit !== undefined && !/^[0-9a-f]{40}$/.test(props.commit)) throw new Error(`GitRepository ${props.name}: commit ${props.commit} must be 40 lowercase hex digits`);
    super(scope, id, {
      apiVersion: FLUX_API.gitRepository,
      kind: 'GitRepository',
      metadata: metadata(props),
      spec: {
        interval: goDuration(props.interval ?? Duration.minutes(1)),
        url: props.url,
        ref: { branch: props.branch, tag: props.tag, commit: props.commit },
        secretRef: props.secretName ? { name: props.secretName } : undefined,
        ignore: props.ignore,
        verify: props.verify ? { mode: props.verify.mode ?? 'HEAD', secretRef: { name: props.verify.secretName } } : undefined,
      },
    });
  }
}

/** Props of a `HelmRepository` (https://fluxcd.io/flux/components/source/helmrepositories/). */
export interface HelmRepositoryProps extends FluxObjectProps {
  /** https:// index URL. */
  readonly url: string;
  /** How often Flux fetches the index. @default 1 hour */
  readonly interval?: Duration;
}

/** A Flux `HelmRepository` of type `default` (an https index). */
export class HelmRepository extends ApiObject {
  constructor(scope: Construct, id: string, props: HelmRepositoryProps) {
    super(scope, id, {
      apiVersion: FLUX_API.helmRepository,
      kind: 'HelmRepository',
      metadata: metadata(props),
      spec: { interval: goDuration(props.interval ?? Duration.hours(1)), url: props.url },
    });
  }
}

/** Props of an `OCIRepository` holding a Helm chart (https://fluxcd.io/flux/components/source/ocirepositories/). */
export interface OciRepositoryProps extends FluxObjectProps {
  /** `oci://registry/path/chart` URL of the chart artifact. */
  readonly url: string;
  /** Exact tag (the chart version). */
  readonly tag: string;
  /** How often Flux checks the tag. @default 1 hour */
  readonly interval?: Duration;
  /** Verify the artifact's cosign signature before Flux uses it (`spec.verify`). @default none: not verified */
  readonly verify?: CosignVerification;
}

/** A Flux `OCIRepository` selecting the Helm chart layer of an OCI artifact. */
export class OciRepository extends ApiObject {
  /**
   * @throws Error when `props.verify` has problems (see `cosignVerificationProblems`)
   */
  constructor(scope: Construct, id: string, props: OciRepositoryProps) {
    const problems = props.verify ? cosignVerificationProblems(props.verify, 'verify') : [];
    if (problems.length > 0) throw new Error(`OCIRepository ${props.name}: ${problems.map((p) => `${p.path}: ${p.message}`).join('; ')}`);
    super(scope, id, {
      apiVersion: FLUX_API.ociRepository,
      kind: 'OCIRepository',
      metadata: metadata(props),
      spec: {
        interval: goDuration(props.interval ?? Duration.hours(1)),
        url: props.url,
        ref: { tag: props.tag },
        layerSelector: { mediaType: 'application/vnd.cncf.helm.chart.content.v1.tar+gzip', operation: 'copy' },
        verify: props.verify
          ? {
              provider: 'cosign',
              matchOIDCIdentity: props.verify.matchOIDCIdentity?.map((m) => ({ issuer: m.issuer, subject: m.subject })),
              secretRef: props.verify.publicKeySecret !== undefined ? { name: props.verify.publicKeySecret } : undefined,
            }
          : undefined,
      },
    });
  }
}

/** Where a HelmRelease takes its chart from. */
export type HelmChartSource =
  | {
      /** A chart from a Helm repository index (`spec.chart.spec.sourceRef.kind`). */
      readonly kind: 'HelmRepository';
      /** Name of the `HelmRepository` in the release's namespace (`spec.chart.spec.sourceRef.name`). */
      readonly name: string;
      /** Chart name in the repository index (`spec.chart.spec.chart`), e.g. `cert-manager`. */
      readonly chart: string;
      /** Exact chart version (`spec.chart.spec.version`) as the repository index lists it; never a range. */
      readonly version: string;
    }
  | {
      /** A chart artifact pulled from an OCI registry (`spec.chartRef.kind`); the version is the repository's tag. */
      readonly kind: 'OCIRepository';
      /** Name of the `OCIRepository` in the release's namespace (`spec.chartRef.name`). */
      readonly name: string;
    };

/**
 * A strategic merge patch Flux applies to the rendered manifests of a chart before Helm installs them
 * (`spec.postRenderers[].kustomize.patches[]`,
 * https://fluxcd.io/flux/components/helm/helmreleases/#post-renderers), for settings a chart offers
 * no value for. Helm's post-renderers see the release's manifests only, never its hooks.
 */
export interface HelmPostRenderPatch {
  /**
   * The object the patch applies to: its apiVersion (`v1`, `batch/v1`), kind and name. No namespace:
   * charts leave it out of most manifests (Helm sets the release namespace when it applies them), and
   * a selector with one would not match them.
   */
  readonly target: {
    /** API group and version of the object, e.g. `apps/v1`. */
    readonly apiVersion: string;
    /** Kind of the object, e.g. `Deployment`. */
    readonly kind: string;
    /** Name of the object as the chart renders it. */
    readonly name: string;
  };
  /** The patch: the fields to merge into the object; `apiVersion`, `kind` and `metadata.name` are added from `target`. */
  readonly patch: Record<string, unknown>;
}

/** Props of a `HelmRelease` (https://fluxcd.io/flux/components/helm/helmreleases/). */
export interface HelmReleaseProps extends FluxObjectProps {
  /** Helm release name (`spec.releaseName`). */
  readonly releaseName: string;
  /** Namespace the chart is installed into; Helm's release storage lives there too. */
  readonly targetNamespace: string;
  /** Chart source: a HelmRepository plus chart name and exact version (`spec.chart`), or an OCIRepository (`spec.chartRef`). */
  readonly source: HelmChartSource;
  /** How often Flux reconciles the release. @default 30 minutes */
  readonly interval?: Duration;
  /** Timeout of Helm actions. @default 10 minutes */
  readonly timeout?: Duration;
  /** `CreateReplace` for charts that ship CRDs, `Skip` for charts that do not. */
  readonly crds: 'CreateReplace' | 'Skip';
  /** Retries before giving up on install/upgrade. @default 3 */
  readonly retries?: number;
  /** Helm values. @default {} */
  readonly values?: Record<string, unknown>;
  /** Names of HelmReleases (same namespace) that must be ready first, e.g. a CRD chart. @default none */
  readonly dependsOn?: readonly string[];
  /** Wait for the release's resources to be ready after install/upgrade. @default true */
  readonly wait?: boolean;
  /** Patches applied to the rendered chart before install and upgrade (one kustomize post-renderer). @default none */
  readonly postRenderPatches?: readonly HelmPostRenderPatch[];
}

/** A Flux `HelmRelease` with install/upgrade remediation and an explicit CRD policy. */
export class HelmRelease extends ApiObject {
  constructor(scope: Construct, id: string, props: HelmReleaseProps) {
    const retries = props.retries ?? 3;
    const src = props.source;
    super(scope, id, {
      apiVersion: FLUX_API.helmRelease,
      kind: 'HelmRelease',
      metadata: metadata(props),
      spec: {
        interval: goDuration(props.interval ?? Duration.minutes(30)),
        timeout: goDuration(props.timeout ?? Duration.minutes(10)),
        releaseName: props.releaseName,
        targetNamespace: props.targetNamespace,
        storageNamespace: props.targetNamespace,
        chart:
          src.kind === 'HelmRepository'
            ? { spec: { chart: src.chart, version: src.version, sourceRef: { kind: 'HelmRepository', name: src.name, namespace: props.namespace ?? FLUX_NAMESPACE }, interval: '1h' } }
            : undefined,
        chartRef: src.kind === 'OCIRepository' ? { kind: 'OCIRepository', name: src.name, namespace: props.namespace ?? FLUX_NAMESPACE } : undefined,
        install: { crds: props.crds, disableWait: props.wait === false ? true : undefined, remediation: { retries } },
        upgrade: { crds: props.crds, disableWait: props.wait === false ? true : undefined, cleanupOnFail: true, remediation: { retries, remediateLastFailure: true } },
        values: props.values && Object.keys(props.values).length > 0 ? props.values : undefined,
        dependsOn: props.dependsOn && props.dependsOn.length > 0 ? [...props.dependsOn].sort().map((name) => ({ name })) : undefined,
        postRenderers: props.postRenderPatches && props.postRenderPatches.length > 0 ? [{ kustomize: { patches: props.postRenderPatches.map(postRenderPatch) } }] : undefined,
      },
    });
  }
}

/** One kustomize patch of a HelmRelease post-renderer: the target selector and the patch as YAML text. */
function postRenderPatch(p: HelmPostRenderPatch): { target: Record<string, string>; patch: string } {
  const { apiVersion, kind, name } = p.target;
  const slash = apiVersion.lastIndexOf('/');
  const selector = { ...(slash > 0 ? { group: apiVersion.slice(0, slash) } : {}), version: apiVersion.slice(slash + 1), kind, name };
  const meta = (p.patch.metadata ?? {}) as Record<string, unknown>;
  return { target: selector, patch: toYaml({ ...p.patch, apiVersion, kind, metadata: { ...meta, name } }) };
}

/** Props of a Flux `Kustomization` (https://fluxcd.io/flux/components/kustomize/kustomizations/). */
export interface FluxKustomizationProps extends FluxObjectProps {
  /** Path inside the source, e.g. `./clusters/hz-fsn-rtz-prod/bp-cilium`. */
  readonly path: string;
  /** Name of the GitRepository (in flux-system). */
  readonly sourceName: string;
  /** Names of Kustomizations (in flux-system) that must be Ready first. @default none */
  readonly dependsOn?: readonly string[];
  /** How often Flux reconciles the path. @default 10 minutes */
  readonly interval?: Duration;
  /** Wait before retrying a failed reconciliation. @default 2 minutes */
  readonly retryInterval?: Duration;
  /** Timeout of apply and health checks. @default 10 minutes */
  readonly timeout?: Duration;
  /** Wait for every applied object to be Ready. @default true */
  readonly wait?: boolean;
  /** Delete objects removed from the source. @default true */
  readonly prune?: boolean;
  /** Namespace set on every namespaced object of the path, and on ServiceAccount subjects of RBAC bindings (`spec.targetNamespace`). @default none: as the manifests say */
  readonly targetNamespace?: string;
  /** Image overrides (`spec.images`): the image `name` gets the tag `newTag`. @default none */
  readonly images?: ReadonlyArray<{
    /** Image name as the manifests write it, without a tag, e.g. `docker.io/rancher/system-upgrade-controller`. */
    readonly name: string;
    /** The tag to use instead of the manifests' own. */
    readonly newTag: string;
  }>;
  /**
   * Strategic-merge or JSON 6902 patches applied to the path's manifests (`spec.patches`); each
   * patch is a YAML document naming its target by kind and name, or selects it with `target`.
   * @default none
   */
  readonly patches?: ReadonlyArray<{
    /** The patch as a YAML document. */
    readonly patch: string;
    /** The objects the patch applies to. @default the object the patch itself names */
    readonly target?: {
      /** Kind of the target objects, e.g. `Deployment`. */
      readonly kind: string;
      /** Name of the target object. */
      readonly name: string;
    };
  }>;
}

/** A Flux `Kustomization` (the kustomize.toolkit.fluxcd.io kind, not kustomize's own file). */
export class FluxKustomization extends ApiObject {
  constructor(scope: Construct, id: string, props: FluxKustomizationProps) {
    super(scope, id, {
      apiVersion: FLUX_API.kustomization,
      kind: 'Kustomization',
      metadata: metadata(props),
      spec: {
        interval: goDuration(props.interval ?? Duration.minutes(10)),
        retryInterval: goDuration(props.retryInterval ?? Duration.minutes(2)),
        timeout: goDuration(props.timeout ?? Duration.minutes(10)),
        path: props.path,
        prune: props.prune ?? true,
        wait: props.wait ?? true,
        sourceRef: { kind: 'GitRepository', name: props.sourceName },
        dependsOn: props.dependsOn && props.dependsOn.length > 0 ? [...props.dependsOn].sort().map((name) => ({ name })) : undefined,
        targetNamespace: props.targetNamespace,
        images: props.images && props.images.length > 0 ? props.images.map((i) => ({ name: i.name, newTag: i.newTag })) : undefined,
        patches: props.patches && props.patches.length > 0 ? props.patches.map((p) => ({ patch: p.patch, target: p.target ? { kind: p.target.kind, name: p.target.name } : undefined })) : undefined,
      },
    });
  }
}
