import { createHash } from 'node:crypto';
import * as k8s from 'cdk8s-plus-28/lib/imports/k8s';
import { stringify } from 'yaml';
import { z } from 'zod';
import { BLUEPRINT_PROPS_SCHEMA, type BlueprintConstruct, type BlueprintMetadata, type BlueprintProps, type NetworkAllowances } from '../../lib/blueprint';
import type { Cluster } from '../../lib/cluster';
import { IMAGES } from '../../lib/versions';
import { allow, componentMetadata, propsField, restrictedContainerSecurityContext, RUNTIME_DEFAULT_SECCOMP, wholeNumber } from '../common';
import { imageRef, RenderedBlueprint } from '../rendered';
import { ACME_HTTP01_SOLVER_PORT, CertManager } from './cert-manager';
import { Cilium } from './cilium';

/** Port HAProxy serves the protected sites on; the Cilium Ingress sends them here. */
export const CORAZA_HTTP_PORT = 8080;

/** Port coraza-spoa listens on for HAProxy's SPOE messages, on the pod's loopback only. */
export const CORAZA_SPOA_PORT = 9000;

/** Name of the Deployment, Service, ConfigMaps and PodDisruptionBudget. */
const NAME = 'coraza';

/** UID of the `haproxy` user the HAProxy image runs as. */
const HAPROXY_UID = 99;

/** UID of the distroless `nonroot` user (coraza-spoa's image is distroless and needs no root). */
const NONROOT = 65532;

/** What the WAF does with a request the OWASP Core Rule Set scores as an attack. */
export type CorazaMode = 'blocking' | 'detection';

/** A Service in the cluster that the WAF protects. */
export interface CorazaBackend {
  /** Service name. */
  readonly name: string;
  /** Namespace of the Service. */
  readonly namespace: string;
  /** Service port HAProxy connects to. */
  readonly port: number;
  /**
   * The pods' port behind it (the Service's `targetPort`): the WAF's NetworkPolicy allows egress to
   * it, since Cilium applies policy after the Service translation.
   * @default `port`
   */
  readonly targetPort?: number;
}

/** One site the WAF serves: a host name through the Cilium Ingress, filtered, then proxied to its backend. */
export interface CorazaSite {
  /** Host name under the Sovereign FQDN, e.g. `app.<fqdn>`; its certificate comes from cert-manager. */
  readonly host: string;
  /** The Service the filtered requests go to. */
  readonly backend: CorazaBackend;
  /** Blocking or detection only, for this site. @default the Blueprint's `mode` */
  readonly mode?: CorazaMode;
}

/** Props of the Coraza WAF Blueprint. */
export interface CorazaProps extends BlueprintProps {
  /**
   * The sites the WAF serves. Move a site's host here from its application's own Ingress (turn that
   * Ingress off), so every request to it passes the WAF. The backend's namespace must admit the
   * `coraza` namespace on the target port (Blueprints that allow `anywhere`, such as Gitea and
   * Keycloak, do).
   * @default none: the WAF runs, and serves 404 until a site is added
   */
  readonly sites?: readonly CorazaSite[];
  /** `blocking` denies requests whose anomaly score reaches the threshold (403); `detection` only logs them. @default 'blocking' */
  readonly mode?: CorazaMode;
  /** The Core Rule Set's blocking paranoia level, 1-4: higher catches more attacks and flags more legitimate requests. @default 1 */
  readonly paranoiaLevel?: number;
  /** Inbound anomaly score at which a request is an attack (CRS `tx.inbound_anomaly_score_threshold`; a critical rule scores 5). @default 5 */
  readonly anomalyThreshold?: number;
  /** WAF replicas (HAProxy and coraza-spoa in each pod), spread over nodes. @default 2 */
  readonly replicas?: number;
}

/** zod schema of a `CorazaMode`. */
const MODE = z.literal(['blocking', 'detection']);

/** zod schema of a Service port. */
const PORT = z.number().int().min(1).max(65535);

/** The Blueprint's allowances of a site's traffic in its backend's direction: HAProxy connects to the backend pods. */
function backendRule(site: CorazaSite) {
  const b = site.backend;
  return allow.namespace(b.namespace, [b.targetPort ?? b.port], `HAProxy proxies the filtered requests for ${site.host} to Service ${b.namespace}/${b.name}`);
}

/** HAProxy's SPOE configuration (`coraza.cfg`): one agent sending every request to coraza-spoa on the loopback (coraza-spoa's example at the pinned tag). */
export const SPOE_CONFIG = [
  '[coraza]',
  'spoe-agent coraza-agent',
  '    groups coraza-req',
  '    option var-prefix coraza',
  '    option set-on-error error',
  '    timeout hello 2s',
  '    timeout idle 2m',
  '    timeout processing 500ms',
  '    use-backend coraza-spoa',
  '    log global',
  '',
  'spoe-message coraza-req',
  '    args app=var(txn.coraza.app) src-ip=src src-port=src_port dst-ip=dst dst-port=dst_port method=method path=path query=query version=req.ver headers=req.hdrs body=req.body exportRuleIDs=bool(false)',
  '',
  'spoe-group coraza-req',
  '    messages coraza-req',
  '',
].join('\n');

/**
 * Coraza WAF: the OWASP Core Rule Set in front of selected Services, as a reverse-proxy tier behind
 * the Cilium Ingress.
 *
 * Design. Cilium's bundled Envoy runs a fixed filter set and cannot load Wasm or external-processing
 * filters, so the reference's "inline via Envoy ext_proc / Cilium L7" cannot filter anything, and its
 * chart ran coraza-spoa (which speaks HAProxy's SPOE) with no HAProxy in front of it. This Blueprint
 * runs what coraza-spoa is built for: each pod holds HAProxy (`IMAGES.haproxy`) and coraza-spoa
 * (`IMAGES.corazaSpoa`, the reference's image and tag, with the Core Rule Set v4 built in). A
 * request arrives through the Cilium Ingress (TLS terminated there, certificate from cert-manager),
 * HAProxy sends it with its headers and body over SPOE to coraza-spoa on the pod's loopback, and
 * denies it (403), drops or redirects it as Coraza decides, or passes it to the site's backend
 * Service. One Coraza application per site carries its mode. In blocking mode an error of the WAF
 * denies the request (500: fail closed); in detection mode the request passes. No extra hop leaves
 * the pod, no component beyond this namespace changes, and neither image needs privileges.
 * Rejected alternatives: Envoy Gateway with the coraza-proxy-wasm filter (a second Gateway API
 * controller beside Cilium's), Caddy with coraza-caddy (no published image of the plugin build).
 *
 * Objects: ConfigMaps `coraza-haproxy` (HAProxy and its SPOE file) and `coraza-spoa` (one application
 * per site: `@coraza.conf-recommended`, `@crs-setup.conf.example`, the paranoia level and threshold,
 * `@owasp_crs/*.conf`, `SecRuleEngine On` or `DetectionOnly`); the Deployment (a checksum of both in
 * its pod template, so a config change rolls the pods; coraza-spoa also reloads on its own), the
 * Service on 8080, one Ingress per site (class from `Cilium.ingressClassName()`, issuer from
 * `CertManager.clusterIssuerName()`), and a PodDisruptionBudget with more than one replica. HAProxy
 * takes the client address from the last `X-Forwarded-For` entry Cilium's Envoy appends, so the rules
 * see the client. Request bodies are inspected up to HAProxy's buffer (`option http-buffer-request`,
 * 16 KiB by default). Access logs go to stdout with Coraza's transaction id and matched rules.
 *
 * Network: anywhere → 8080 (Cilium's Ingress proxy has an identity no NetworkPolicy selects) and,
 * with sites, → 8089 (cert-manager's HTTP-01 solver for their certificates); egress to each
 * backend's namespace on its target port. Pod Security `restricted`.
 *
 * Source: https://github.com/corazawaf/coraza-spoa at the pinned tag (`example/haproxy/*.cfg`,
 * `example/coraza-spoa.yaml`, `config.go`; Core Rule Set v4.25 through coraza-coreruleset),
 * https://coreruleset.org/docs/concepts/paranoia_levels/; reference catalog entry `coraza`
 * (bootstrap-kit slot 35; its namespace label carried the literal `SOVEREIGN_FQDN_PLACEHOLDER`, here
 * the Sovereign label). dependsOn: cilium and cert-manager, as in the reference kit.
 */
export class Coraza extends RenderedBlueprint<CorazaProps> {
  /** The props a spec may set (`spec.blueprints.props.coraza`). */
  static readonly propsSchema = BLUEPRINT_PROPS_SCHEMA.extend({
    sites: z
      .array(
        z.strictObject({
          host: propsField.hostname().describe('Host name under the Sovereign FQDN'),
          backend: z
            .strictObject({
              name: propsField.objectName().max(63).describe('Service name'),
              namespace: propsField.objectName().max(63).describe('Namespace of the Service'),
              port: PORT.describe('Service port'),
              targetPort: PORT.optional().describe("The pods' port behind the Service (default: port)"),
            })
            .describe('The Service the filtered requests go to'),
          mode: MODE.optional().describe("Blocking or detection only for this site (default: the Blueprint's mode)"),
        }),
      )
      .optional()
      .describe('The sites the WAF serves (default none)'),
    mode: MODE.optional().describe('blocking denies attacks (403), detection only logs them (default blocking)'),
    paranoiaLevel: wholeNumber(1, 4).optional().describe('Core Rule Set blocking paranoia level, 1-4 (default 1)'),
    anomalyThreshold: wholeNumber(1, 100).optional().describe('Inbound anomaly score at which a request is an attack (default 5)'),
    replicas: wholeNumber(1, 10).optional().describe('WAF replicas, 1-10 (default 2)'),
  }) satisfies z.ZodType<CorazaProps>;

  /** Catalog metadata: rendered objects, namespace coraza, bootstrap kit slot 35. */
  static readonly metadata: BlueprintMetadata = componentMetadata({
    name: 'coraza',
    title: 'Coraza WAF',
    category: 'networking',
    tier: 'bootstrap-kit',
    summary: 'Filters the requests to selected Services with the OWASP Core Rule Set (HAProxy and coraza-spoa behind the Cilium Ingress).',
    pin: { images: [IMAGES.haproxy, IMAGES.corazaSpoa], docs: 'https://coraza.io/connectors/coraza-spoa/' },
    podSecurity: 'HAProxy and coraza-spoa run as non-root users without privilege escalation or capabilities, with a read-only root filesystem and the RuntimeDefault seccomp profile',
    dependsOn: [Cilium, CertManager],
    placementModes: ['active-active', 'single-region'],
    // Two replicas of HAProxy (50m/64Mi) and coraza-spoa (100m/128Mi).
    resources: { cpuMillis: 300, memoryMiB: 384 },
    network: {
      ingress: [allow.anywhere([CORAZA_HTTP_PORT], 'the Cilium Ingress controller sends the protected sites\' requests to HAProxy')],
    },
    kitSlot: 35,
    moreSources: [`https://github.com/corazawaf/coraza-spoa/tree/v${IMAGES.corazaSpoa.tag}/example`],
  });

  /** The sites this instance serves. */
  get sites(): readonly CorazaSite[] {
    return this.props.sites ?? [];
  }

  /**
   * The metadata's allowances, plus egress to each site's backend and, with sites, ingress to
   * cert-manager's HTTP-01 solver for their certificates (started in this namespace, reached through
   * the Ingress controller).
   */
  networkAllowances(cluster: Cluster): NetworkAllowances {
    const base = super.networkAllowances(cluster);
    if (this.sites.length === 0) return base;
    const solver = allow.anywhere([ACME_HTTP01_SOLVER_PORT], 'cert-manager\'s HTTP-01 solver pods for the sites\' certificates answer the ACME challenge here, reached through the Cilium Ingress controller');
    const seen = new Set<string>();
    const backends = this.sites.map(backendRule).filter((r) => {
      const key = `${r.namespace}/${r.ports?.[0]?.port}`;
      return !seen.has(key) && seen.add(key);
    });
    return { ingress: [...(base.ingress ?? []), solver], egress: [...(base.egress ?? []), ...backends] };
  }

  /**
   * The sites after the checks a schema cannot make.
   * @throws Error naming the field when a host is not under the Sovereign FQDN or is served twice
   */
  private checkedSites(cluster: Cluster): readonly CorazaSite[] {
    const fqdn = cluster.sovereign.fqdn;
    const hosts = new Set<string>();
    this.sites.forEach((site, i) => {
      if (site.host !== fqdn && !site.host.endsWith(`.${fqdn}`)) {
        throw new Error(`props.sites[${i}].host ${JSON.stringify(site.host)} is not under the Sovereign FQDN ${fqdn}; use a name such as app.${fqdn}`);
      }
      if (hosts.has(site.host)) throw new Error(`props.sites[${i}].host ${JSON.stringify(site.host)} is listed twice; serve each host once`);
      hosts.add(site.host);
    });
    return this.sites;
  }

  /** HAProxy's configuration: one frontend on 8080 asking Coraza about every request, one backend per site. */
  haproxyConfig(cluster: Cluster): string {
    const sites = this.checkedSites(cluster);
    const mode = (s: CorazaSite) => s.mode ?? this.props.mode ?? 'blocking';
    const blocking = sites.filter((s) => mode(s) === 'blocking').map((s) => s.host);
    const lines = [
      'global',
      '    log stdout format raw local0',
      '',
      'defaults',
      '    log global',
      '    mode http',
      '    option httplog',
      '    timeout client 1m',
      '    timeout server 1m',
      '    timeout connect 10s',
      '',
      'resolvers cluster',
      '    parse-resolv-conf',
      '',
      'frontend waf',
      `    bind :${CORAZA_HTTP_PORT}`,
      '    option http-buffer-request',
      '    log-format "%ci:%cp [%tr] %ft %b/%s %TR/%Tw/%Tc/%Tr/%Ta %ST %B %tsc %{+Q}r coraza-id:%[var(txn.coraza.id)] coraza-action:%[var(txn.coraza.action)] coraza-error:%[var(txn.coraza.error)]"',
      '    # the client as the Cilium Ingress saw it: the last X-Forwarded-For entry its Envoy appends',
      '    http-request set-src hdr_ip(x-forwarded-for,-1) if { req.hdr_cnt(x-forwarded-for) gt 0 }',
      ...sites.map((s) => `    http-request set-var(txn.coraza.app) str(${s.host}) if { req.hdr(host),field(1,:),lower -m str ${s.host} }`),
      '    filter spoe engine coraza config /usr/local/etc/haproxy/coraza.cfg',
      '    http-request send-spoe-group coraza coraza-req if { var(txn.coraza.app) -m found }',
      '    http-request redirect code 302 location %[var(txn.coraza.data)] if { var(txn.coraza.action) -m str redirect }',
      '    http-request deny deny_status 403 hdr waf-block request if { var(txn.coraza.action) -m str deny }',
      '    http-request silent-drop if { var(txn.coraza.action) -m str drop }',
      ...(blocking.length > 0 ? [`    http-request deny deny_status 500 if { var(txn.coraza.error) -m int gt 0 } { var(txn.coraza.app) -m str ${blocking.join(' ')} }`] : []),
      ...sites.map((s) => `    use_backend ${s.host} if { var(txn.coraza.app) -m str ${s.host} }`),
      '    default_backend unknown-host',
      '',
      'backend unknown-host',
      '    http-request deny deny_status 404',
      '',
      'backend coraza-spoa',
      '    mode tcp',
      `    server coraza-spoa 127.0.0.1:${CORAZA_SPOA_PORT}`,
      '',
      ...sites.flatMap((s) => [`backend ${s.host}`, `    server backend ${s.backend.name}.${s.backend.namespace}.svc.cluster.local:${s.backend.port} resolvers cluster init-addr none`, '']),
    ];
    return lines.join('\n');
  }

  /** coraza-spoa's configuration: the loopback listener and one application per site with the Core Rule Set. */
  spoaConfig(cluster: Cluster): string {
    const log = { log_level: 'info', log_file: '/dev/stdout', log_format: 'json' };
    const applications = this.checkedSites(cluster).map((s) => ({
      name: s.host,
      directives: [
        'Include @coraza.conf-recommended',
        'Include @crs-setup.conf.example',
        `SecAction "id:900000,phase:1,pass,t:none,nolog,setvar:tx.blocking_paranoia_level=${this.props.paranoiaLevel ?? 1}"`,
        `SecAction "id:900110,phase:1,pass,t:none,nolog,setvar:tx.inbound_anomaly_score_threshold=${this.props.anomalyThreshold ?? 5}"`,
        'Include @owasp_crs/*.conf',
        `SecRuleEngine ${(s.mode ?? this.props.mode ?? 'blocking') === 'blocking' ? 'On' : 'DetectionOnly'}`,
        '',
      ].join('\n'),
      response_check: false,
      transaction_ttl_ms: 60000,
      ...log,
    }));
    return stringify({ bind: `127.0.0.1:${CORAZA_SPOA_PORT}`, ...log, applications });
  }

  /** Renders the configs, the Deployment, Service, PodDisruptionBudget and one Ingress per site (see the class). */
  protected renderObjects(scope: BlueprintConstruct, cluster: Cluster): void {
    const meta = (name: string) => this.objectMeta(cluster, name);
    const labels = meta(NAME).labels;
    const selector = { 'app.kubernetes.io/name': NAME };
    const replicas = this.props.replicas ?? 2;
    const haproxy = this.haproxyConfig(cluster);
    const spoa = this.spoaConfig(cluster);
    new k8s.KubeConfigMap(scope, 'haproxy-config', { metadata: meta(`${NAME}-haproxy`), data: { 'haproxy.cfg': haproxy, 'coraza.cfg': SPOE_CONFIG } });
    new k8s.KubeConfigMap(scope, 'spoa-config', { metadata: meta(`${NAME}-spoa`), data: { 'config.yaml': spoa } });
    const checksum = createHash('sha256').update(haproxy).update(SPOE_CONFIG).update(spoa).digest('hex');
    const quantity = (q: string) => k8s.Quantity.fromString(q);
    const container = (uid: number) => ({ ...restrictedContainerSecurityContext(), runAsUser: uid, runAsGroup: uid }) as k8s.SecurityContext;
    new k8s.KubeDeployment(scope, 'deployment', {
      metadata: meta(NAME),
      spec: {
        replicas,
        selector: { matchLabels: selector },
        template: {
          metadata: { labels: { ...labels, ...selector }, annotations: { 'catalyst.openova.io/config-sha256': checksum } },
          spec: {
            automountServiceAccountToken: false,
            securityContext: { runAsNonRoot: true, seccompProfile: RUNTIME_DEFAULT_SECCOMP },
            topologySpreadConstraints: [{ maxSkew: 1, topologyKey: 'kubernetes.io/hostname', whenUnsatisfiable: 'ScheduleAnyway', labelSelector: { matchLabels: selector } }],
            containers: [
              {
                name: 'haproxy',
                image: imageRef(IMAGES.haproxy),
                args: ['haproxy', '-W', '-db', '-f', '/usr/local/etc/haproxy/haproxy.cfg'],
                ports: [{ name: 'http', containerPort: CORAZA_HTTP_PORT, protocol: 'TCP' }],
                readinessProbe: { tcpSocket: { port: k8s.IntOrString.fromString('http') }, periodSeconds: 10 },
                resources: { requests: { cpu: quantity('50m'), memory: quantity('64Mi') }, limits: { memory: quantity('256Mi') } },
                securityContext: container(HAPROXY_UID),
                volumeMounts: [{ name: 'haproxy-config', mountPath: '/usr/local/etc/haproxy', readOnly: true }, { name: 'tmp', mountPath: '/tmp' }],
              },
              {
                name: 'coraza-spoa',
                image: imageRef(IMAGES.corazaSpoa),
                command: ['/coraza-spoa', '--config', '/etc/coraza-spoa/config.yaml', '--autoreload'],
                readinessProbe: { tcpSocket: { port: k8s.IntOrString.fromNumber(CORAZA_SPOA_PORT) }, periodSeconds: 10 },
                resources: { requests: { cpu: quantity('100m'), memory: quantity('128Mi') }, limits: { memory: quantity('512Mi') } },
                securityContext: container(NONROOT),
                volumeMounts: [{ name: 'spoa-config', mountPath: '/etc/coraza-spoa', readOnly: true }],
              },
            ],
            volumes: [
              { name: 'haproxy-config', configMap: { name: `${NAME}-haproxy` } },
              { name: 'spoa-config', configMap: { name: `${NAME}-spoa` } },
              { name: 'tmp', emptyDir: { sizeLimit: quantity('16Mi') } },
            ],
          },
        },
      },
    });
    new k8s.KubeService(scope, 'service', {
      metadata: meta(NAME),
      spec: { type: 'ClusterIP', selector, ports: [{ name: 'http', port: CORAZA_HTTP_PORT, targetPort: k8s.IntOrString.fromString('http'), protocol: 'TCP' }] },
    });
    if (replicas > 1) {
      new k8s.KubePodDisruptionBudget(scope, 'disruption-budget', { metadata: meta(NAME), spec: { minAvailable: k8s.IntOrString.fromNumber(1), selector: { matchLabels: selector } } });
    }
    const sites = this.checkedSites(cluster);
    if (sites.length === 0) return;
    const ingressClassName = cluster.blueprint(Cilium).ingressClassName();
    const issuer = cluster.blueprint(CertManager).clusterIssuerName();
    for (const site of sites) {
      const name = `${NAME}-${site.host.replaceAll('.', '-')}`.slice(0, 63).replace(/-+$/, '');
      new k8s.KubeIngress(scope, `ingress-${site.host}`, {
        metadata: { ...meta(name), annotations: { 'cert-manager.io/cluster-issuer': issuer } },
        spec: {
          ingressClassName,
          tls: [{ hosts: [site.host], secretName: `${name}-tls` }],
          rules: [{ host: site.host, http: { paths: [{ path: '/', pathType: 'Prefix', backend: { service: { name: NAME, port: { name: 'http' } } } }] } }],
        },
      });
    }
  }
}
