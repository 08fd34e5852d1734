/**
 * Reasons shared by the Blueprints that install Bitnami charts (Keycloak, and the PostgreSQL that
 * Keycloak's and Gitea's charts bundle), written as comments above the values they explain (see
 * `HelmBlueprint.valueReasons`). Source: Bitnami's move of its free images to `docker.io/bitnamilegacy`
 * (https://github.com/bitnami/containers/issues/83267) and the charts' `networkPolicy` values.
 */

/** Why an image repository is `bitnamilegacy/...`. */
export const BITNAMI_LEGACY_IMAGE = 'Bitnami moved this version from docker.io/bitnami to docker.io/bitnamilegacy (bitnami/containers#83267), which receives no more updates';

/** Why `global.security.allowInsecureImages` is set. */
export const BITNAMI_ALLOW_LEGACY_IMAGES = 'the Bitnami charts refuse image repositories other than their default unless this is set; it admits the bitnamilegacy images set here, nothing else changes';

/** Why a Bitnami chart's own NetworkPolicy is off. */
export const BITNAMI_OWN_NETWORK_POLICY = "off: the chart's own NetworkPolicy allows all egress and policies add up, so it would undo the namespace's default deny; the Blueprint's folder holds the namespace's policies";
