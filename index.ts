/**
 * catalyst-cdk as a library: the spec loader, the Blueprint model and catalog, the constructs, the
 * built-in Blueprints and the Sovereign model.
 */
export * from './lib/errors';
export * from './lib/versions';
export * from './lib/hetzner';
export * from './lib/naming';
export * from './lib/net';
export * from './lib/signing';
export * from './lib/context';
export * from './lib/cluster';
export * from './lib/blueprint';
export * from './lib/catalog';
export * from './lib/gitops';
export * from './lib/output';
export * from './lib/cdktf-out';
export * from './lib/spec/schema';
export * from './lib/spec/types';
export { loadSpec, parseSpec, networkPlan, formatPath, LoadSpecOptions } from './lib/spec/load';
export { validateSpec, didYouMean, BlueprintNames } from './lib/spec/validate';
export * from './constructs/flux';
export * from './constructs/k8s/namespace';
export * from './constructs/k8s/network-policy';
export * from './constructs/k8s/metadata-service-block';
export * from './constructs/hetzner/cloud-init';
export * from './constructs/hetzner/network';
export * from './constructs/hetzner/firewall';
export * from './constructs/hetzner/node-pool';
export * from './constructs/hetzner/load-balancer';
export * from './constructs/hetzner/nat-gateway';
export * from './constructs/hetzner/cluster';
export * from './blueprints/helm';
export * from './blueprints/git-manifests';
export * from './blueprints/namespace';
export * from './blueprints/product';
export * from './blueprints/common';
export * from './blueprints';
export * from './app/gitops-tree';
export * from './app/region-stack';
export * from './app/destructive-changes';
export * from './app/sovereign';
export * from './app/builder';
