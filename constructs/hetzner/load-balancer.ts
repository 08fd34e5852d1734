/**
 * A load balancer of the cluster (https://docs.hetzner.com/cloud/load-balancers/overview/): attached to
 * the private network, targeting servers by label over their private IPs. The ingress one has a
 * public interface; the private API one does not.
 */
import { ITerraformDependable, Token } from 'cdktf';
import { Construct } from 'constructs';
import { LoadBalancer } from '../../.gen/providers/hcloud/load-balancer';
import { LoadBalancerNetwork } from '../../.gen/providers/hcloud/load-balancer-network';
import { LoadBalancerService } from '../../.gen/providers/hcloud/load-balancer-service';
import { LoadBalancerTargetA } from '../../.gen/providers/hcloud/load-balancer-target';

/** One TCP service: listen port → destination port on every target. */
export interface LoadBalancerPort {
  /** Short name, used in the Terraform address `hcloud_load_balancer_service.<name>`. */
  readonly name: string;
  /** Public port the load balancer listens on, e.g. `443`. */
  readonly listenPort: number;
  /** Port on the targets' private IPs, e.g. the ingress node port `31443`; also the health-checked port. */
  readonly destinationPort: number;
  /**
   * Prepend the PROXY protocol header with the client's address to every connection; the target must
   * expect it. The TCP health check connects without it. @default false
   */
  readonly proxyProtocol?: boolean;
}

/** Props of a `ClusterLoadBalancer`. */
export interface ClusterLoadBalancerProps {
  /**
   * Terraform name of the load balancer and its network attachment (`hcloud_load_balancer.<address>`,
   * `hcloud_load_balancer_network.<address>`). A public contract: changing it replaces the load balancer.
   * @default 'ingress'
   */
  readonly address?: string;
  /** Terraform name of the label-selector target, `hcloud_load_balancer_target.<targetAddress>`. @default 'cluster' */
  readonly targetAddress?: string;
  /**
   * Whether the load balancer is reachable on its public IPv4/IPv6. Off, it serves the private network
   * only (`enable_public_interface = false`). @default true
   */
  readonly publicInterface?: boolean;
  /** Load balancer name, unique in the Hetzner project. */
  readonly name: string;
  /** e.g. `lb11`. */
  readonly type: string;
  /** Hetzner location, e.g. `fsn1`. */
  readonly location: string;
  /** ID of the private network to attach to (a Terraform token). */
  readonly networkId: string;
  /** Fixed private IP in the node subnet. */
  readonly privateIp: string;
  /** Hetzner label selector of the target servers, e.g. `catalyst.openova.io/cluster=hz-fsn-rtz-prod`. */
  readonly targetSelector: string;
  /** TCP services, one per port. */
  readonly ports: readonly LoadBalancerPort[];
  /** Hetzner labels of the load balancer. */
  readonly labels: Record<string, string>;
  /** Resources the network attachment waits for (the subnet). @default none */
  readonly dependsOn?: readonly ITerraformDependable[];
  /** Hetzner delete protection of the load balancer (its services, targets and attachment have none of their own). @default false */
  readonly deleteProtection?: boolean;
}

/**
 * A load balancer with TCP services and TCP health checks. Targets are selected by label, so every
 * server the selector matches is a target; a service sends traffic only to targets whose health check
 * on that port passes (e.g. 6443 reaches control plane servers only). Terraform addresses (defaults):
 * `hcloud_load_balancer.ingress`, `hcloud_load_balancer_network.ingress`,
 * `hcloud_load_balancer_target.cluster`, `hcloud_load_balancer_service.<port name>`.
 */
export class ClusterLoadBalancer extends Construct {
  /** The `hcloud_load_balancer.<address>` resource. */
  readonly loadBalancer: LoadBalancer;
  /** The `hcloud_load_balancer_network.<address>` attachment to the private network. */
  readonly attachment: LoadBalancerNetwork;
  /** The `hcloud_load_balancer_target.<targetAddress>` label-selector target. */
  readonly target: LoadBalancerTargetA;
  /** One `hcloud_load_balancer_service` per port, in `props.ports` order. */
  readonly services: readonly LoadBalancerService[];

  constructor(scope: Construct, id: string, props: ClusterLoadBalancerProps) {
    super(scope, id);
    this.loadBalancer = new LoadBalancer(this, 'load-balancer', {
      name: props.name,
      loadBalancerType: props.type,
      location: props.location,
      algorithm: { type: 'round_robin' },
      labels: props.labels,
      deleteProtection: props.deleteProtection ?? false,
    });
    const address = props.address ?? 'ingress';
    this.loadBalancer.overrideLogicalId(address);
    const lbId = Token.asNumber(this.loadBalancer.id);
    this.attachment = new LoadBalancerNetwork(this, 'network', {
      loadBalancerId: lbId,
      networkId: Token.asNumber(props.networkId),
      ip: props.privateIp,
      enablePublicInterface: props.publicInterface ?? true,
      dependsOn: props.dependsOn ? [...props.dependsOn] : undefined,
    });
    this.attachment.overrideLogicalId(address);
    this.target = new LoadBalancerTargetA(this, 'target', {
      loadBalancerId: lbId,
      type: 'label_selector',
      labelSelector: props.targetSelector,
      usePrivateIp: true,
      dependsOn: [this.attachment],
    });
    this.target.overrideLogicalId(props.targetAddress ?? 'cluster');
    this.services = props.ports.map((p) => {
      const svc = new LoadBalancerService(this, `service-${p.name}`, {
        loadBalancerId: this.loadBalancer.id,
        protocol: 'tcp',
        listenPort: p.listenPort,
        destinationPort: p.destinationPort,
        proxyprotocol: p.proxyProtocol ?? false,
        healthCheck: { protocol: 'tcp', port: p.destinationPort, interval: 15, timeout: 10, retries: 3 },
      });
      svc.overrideLogicalId(p.name);
      return svc;
    });
  }
}
