/**
 * Components the platform used to ship or plan and no longer does, with what to use instead. A spec
 * that names one gets a message saying so, instead of "unknown Blueprint".
 *
 * Source: reference catalog entries without a Blueprint folder whose status is removed, replaced,
 * rejected or disabled (`shared/catalog/components.json`, snapshot 2026-04-30).
 */

/** Why a component name is no longer a Blueprint, as a clause that completes "was …". */
export const RETIRED_BLUEPRINTS: Readonly<Record<string, string>> = {
  activemq: 'removed from the platform (no modern use case left); use nats-jetstream or strimzi for messaging',
  airflow: 'removed from the platform; workflows run on Flink with OpenTelemetry instead',
  backstage: 'removed from the platform; the Catalyst console replaces it',
  camel: 'removed from the platform; integration code is generated instead',
  dapr: 'removed from the platform (sidecar overhead); use Kafka (strimzi) and plain code',
  istio: 'rejected as the service mesh; Cilium (cilium) provides mesh, mTLS and L7 policy',
  k8gb: 'replaced by powerdns for global load balancing',
  lago: 'removed from the platform; billing is specific to each customer',
  langserve: 'removed from the platform; RAG runs behind KServe instead',
  minio: 'replaced by seaweedfs as the S3 store',
  mongodb: 'removed from the platform; use FerretDB on CNPG instead',
  rabbitmq: 'removed from the platform; Kafka (strimzi) covers streaming',
  redpanda: 'replaced by strimzi (Kafka) and nats-jetstream',
  searxng: 'removed from the platform; the LLM gateway tool registry replaces it',
  superset: 'removed from the platform; visualizations are generated instead',
  traefik: 'disabled on purpose: k3s runs without Traefik and the Cilium Ingress controller (cilium) serves Ingress',
  trino: 'removed from the platform; query ClickHouse and CNPG directly',
  vitess: 'removed from the platform (niche); use CNPG',
};
