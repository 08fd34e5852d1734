/**
 * catalyst-cdk as a library: the public API platform teams import. Everything else in the package is
 * internal and may change without notice.
 *
 * - composing a Sovereign: `Sovereign`, `SovereignBuilder`, the spec types and loaders;
 * - the Blueprint model: `Blueprint`, `HelmBlueprint`, `GitManifestsBlueprint`, `RenderedBlueprint`, `ProductBlueprint`,
 *   their metadata and props, `Cluster`, `Catalog`, and the helpers Blueprint files share;
 * - the built-in Blueprints and the version manifest;
 * - the constructs the Blueprints and stacks are made of (Flux, Kubernetes, Hetzner).
 */

// Errors
export { BlueprintError, CatalogError, OutputError, SpecError, SpecFileError, SynthError, type SpecProblem } from './lib/errors';
export { DestructiveChangeError, type DestructiveChange } from './app/destructive-changes';

// Composing a Sovereign
export { Sovereign, selectBlueprints, type BlueprintSelection, type ClusterPlan, type ClusterReport, type GitopsTree, type SovereignOptions, type StackReport, type SynthReport, type SynthTargets } from './app/sovereign';
export { SovereignBuilder, type RegionInput, type SovereignBody } from './app/builder';
export { loadSpec, parseSpec, specFromInput, type LoadSpecOptions, type SpecLocator, type SpecPosition } from './lib/spec/load';
export type { PathKey } from './lib/spec/yaml';
export {
  ARCHITECTURES,
  BUILDING_BLOCKS,
  ENV_TYPES,
  SPEC_API_VERSION,
  sovereignJsonSchema,
  type BackendSpec,
  type ChartVerifySpec,
  type EtcdSnapshotsSpec,
  type GitVerifySpec,
  type RegionSpecParsed,
  type SchemaBlueprint,
  type SovereignSpecInput,
  type SovereignSpecParsed,
  type TaintSpec,
  type WorkerPoolSpec,
} from './lib/spec/schema';
export type { NetworkPlan, RegionSpec, SovereignSpec } from './lib/spec/types';
export type { BlueprintNames } from './lib/spec/validate';
export { LOCATION_NAMES, LOCATIONS, ORDERABLE_SERVER_TYPES, SERVER_TYPES, type HetznerLocation, type LocationName, type ServerType, type ServerTypeDeprecation, type ServerTypeName } from './lib/hetzner';
export { GIT_VERIFICATION_MODES, type CosignVerification, type GitVerificationMode, type OidcIdentityMatch } from './lib/signing';

// The Blueprint model
export {
  Blueprint,
  BLUEPRINT_PROPS_SCHEMA,
  BlueprintConstruct,
  isProduct,
  mergeValues,
  propsSchemaOf,
  refName,
  type BindOptions,
  type BlueprintClass,
  type BlueprintMetadata,
  type BlueprintProps,
  type BlueprintPropsShape,
  type BlueprintRef,
  type BlueprintTier,
  type ComponentMetadata,
  type GeneratedSecret,
  type HelmChartMetadata,
  type ManifestsMetadata,
  type NetworkAllowances,
  type NetworkPeer,
  type NetworkPort,
  type NetworkProtocol,
  type NetworkRule,
  type PlacementMode,
  type PodSecurity,
  type PodSecurityLevel,
  type ProductMetadata,
  type RenderedMetadata,
  type ResourceRequests,
} from './lib/blueprint';
export { Cluster, clusterInfo, type ClusterArchitecture, type ClusterAttributes, type ClusterInfo } from './lib/cluster';
export { HCLOUD_STORAGE_CLASS, type ClusterAuth, type ClusterContext, type ClusterGitops, type ClusterNetwork, type HcloudSecretRef, type IngressPorts, type SovereignIdentity } from './lib/context';
export { BLUEPRINT_NAME, Catalog, metadataProblems, type AddedDependency, type Resolution } from './lib/catalog';
export { isOidcConsumer, isS3Consumer, isSecretGenerator, type SecretGenerator, type OidcClient, type OidcClientClaim, type OidcConsumer, type PostgresDatabase, type S3Bucket, type S3BucketClaim, type S3Consumer, type SecretKeyRef, type SharedSecret, type ValkeyConnection } from './lib/services';
export { HELM_PROPS_SCHEMA, HelmBlueprint, type HelmBlueprintMetadata, type HelmBlueprintProps, type HelmPropsShape, type ValueReason } from './blueprints/helm';
export type { TemplateValue } from './lib/chart-check/values';
export { GitManifestsBlueprint, type GitManifestsBlueprintMetadata, type ManifestAdjustments } from './blueprints/git-manifests';
export { ProductBlueprint, type ProductBlueprintMetadata } from './blueprints/product';
export { imageRef, RenderedBlueprint, type RenderedBlueprintMetadata, type RenderedObjectMeta } from './blueprints/rendered';
export { blueprintLabels, renderNamespace } from './blueprints/namespace';
export { cnpgBackupBucket, isPostgresConsumer, POSTGRES_DEFAULT_INSTANCES, POSTGRES_DEFAULT_STORAGE, postgresPropsField, type PostgresConsumer, type PostgresOptions } from './blueprints/postgres';
export { EXTERNAL_DATABASE_PORT, externalDatabasePropsField, type ExternalDatabase, type PostgresSslMode } from './blueprints/external-database';
export { telemetryBackends, type TelemetryBackends } from './blueprints/telemetry-endpoints';
export * from './blueprints/common';
export { copySecret, GENERATED_VALUE_LENGTH, openBaoSecret, renderGeneratedSecrets, SECRET_REFRESH_INTERVAL, secretReaderStore, sharedSecret, type CopySecretOptions, type OpenBaoSecretOptions, type SecretReaderStoreOptions } from './blueprints/secrets';
export type { FileTree, Manifest, ValueNote } from './lib/gitops';
export { LABELS } from './lib/naming';

// The built-in Blueprints and the version manifest
export * from './blueprints';
export { CATALYST_CDK_VERSION, chartPin, CHARTS, IMAGES, MANIFESTS, NODE_SOFTWARE, TERRAFORM_PROVIDERS, type ChartName, type ChartPin, type ImageName, type ImagePin, type ManifestsPin, type ProviderPin, type TaggedImagePin } from './lib/versions';

// Constructs
export * from './constructs/flux';
export { PlatformNamespace, type PlatformNamespaceProps } from './constructs/k8s/namespace';
export { NamespaceNetworkPolicies, type NamespaceNetworkPoliciesProps } from './constructs/k8s/network-policy';
export { MetadataServiceBlock, type MetadataServiceBlockProps } from './constructs/k8s/metadata-service-block';
export { HetznerNetwork, type HetznerNetworkProps } from './constructs/hetzner/network';
export { NodeFirewall, type NodeFirewallProps } from './constructs/hetzner/firewall';
export { NodePool, type NodePoolProps, type ServerBaseProps } from './constructs/hetzner/node-pool';
export { ClusterLoadBalancer, type ClusterLoadBalancerProps, type LoadBalancerPort } from './constructs/hetzner/load-balancer';
export { NatGateway, type NatGatewayProps } from './constructs/hetzner/nat-gateway';
export { HetznerCluster, type ClusterWorkerPool, type HetznerClusterProps, type SecretSplice } from './constructs/hetzner/cluster';
export type { LocalPathImages } from './constructs/hetzner/local-path';
export { PREINSTALL_WAIT_SECONDS, type ApiServerOidc, type EtcdSnapshotConfig, type HelmPreinstall, type K3sRole, type NodeCloudInitProps, type PrivateEgress } from './constructs/hetzner/cloud-init';
export { RegionStack, type RegionStackProps } from './app/region-stack';
export { renderClusterTree, type ClusterTree, type PlannedBlueprint, type TreeProvenance } from './app/gitops-tree';
