/**
 * The telemetry backends as their consumers (the OpenTelemetry collector, Alloy, Grafana) read them:
 * the write and query endpoints the Loki, Mimir and Tempo Blueprints publish through their typed
 * getters, gathered in one shape so a pipeline or datasource configuration is a pure function of it.
 * No endpoint is written here: each comes from its Blueprint, read through `cluster.blueprint`, which
 * records the reference (and so the Flux edge).
 */
import type { Cluster } from '../lib/cluster';
import { Loki } from './platform/loki';
import { Mimir } from './platform/mimir';
import { Tempo } from './platform/tempo';

/** The endpoints of the cluster's telemetry backends. */
export interface TelemetryBackends {
  /** Loki (`Loki` Blueprint). */
  readonly logs: {
    /** Loki's push API URL (`/loki/api/v1/push`), for Loki-native clients such as Alloy's `loki.write`. */
    readonly pushUrl: string;
    /** Loki's OTLP base URL, for the collector's `otlphttp` exporter (which appends `/v1/logs`). */
    readonly otlpUrl: string;
    /** Base URL of Loki's query API, for a Grafana datasource. */
    readonly queryUrl: string;
  };
  /** Mimir (`Mimir` Blueprint). */
  readonly metrics: {
    /** Prometheus remote-write URL, for Prometheus-native clients such as Alloy's `prometheus.remote_write`. */
    readonly remoteWriteUrl: string;
    /** Mimir's OTLP base URL, for the collector's `otlphttp` exporter (which appends `/v1/metrics`). */
    readonly otlpUrl: string;
    /** Prometheus-compatible query base URL, for a Grafana datasource of type `prometheus`. */
    readonly queryUrl: string;
  };
  /** Tempo (`Tempo` Blueprint). */
  readonly traces: {
    /** OTLP gRPC ingest endpoint, `host:port` without a scheme. */
    readonly otlpGrpcEndpoint: string;
    /** OTLP HTTP ingest base URL. */
    readonly otlpHttpUrl: string;
    /** Base URL of Tempo's query API, for a Grafana datasource. */
    readonly queryUrl: string;
  };
}

/**
 * The endpoints of the cluster's Loki, Mimir and Tempo, read through their Blueprints' getters (each
 * read is recorded as a reference of the Blueprint being bound).
 * @throws BlueprintError when the cluster lacks one of the three (see `Cluster.blueprint`)
 */
export function telemetryBackends(cluster: Cluster): TelemetryBackends {
  const loki = cluster.blueprint(Loki);
  const mimir = cluster.blueprint(Mimir);
  const tempo = cluster.blueprint(Tempo);
  return {
    logs: { pushUrl: loki.pushUrl, otlpUrl: loki.otlpUrl, queryUrl: loki.queryUrl },
    metrics: { remoteWriteUrl: mimir.remoteWriteUrl, otlpUrl: mimir.otlpUrl, queryUrl: mimir.queryUrl },
    traces: { otlpGrpcEndpoint: tempo.otlpGrpcEndpoint, otlpHttpUrl: tempo.otlpHttpUrl, queryUrl: tempo.queryUrl },
  };
}

/**
 * The TCP port of a URL: its explicit port, else the scheme's default (80 for `http`, 443 for `https`).
 * @throws Error when `url` is not a URL, or has no port and a scheme without a default
 */
export function urlPort(url: string): number {
  const parsed = new URL(url);
  if (parsed.port !== '') return Number(parsed.port);
  if (parsed.protocol === 'http:') return 80;
  if (parsed.protocol === 'https:') return 443;
  throw new Error(`URL ${url} names no port and its scheme ${parsed.protocol} has no default one`);
}
