/**
 * An external PostgreSQL database a Blueprint connects to instead of the CloudNativePG cluster it
 * otherwise gets (Keycloak, Gitea): the props a platform team sets for a database of its own, with
 * the password in a Secret it names, never in the spec.
 */
import { z } from 'zod';
import { propsField } from './common';

/** TLS of the connection to an external database (libpq's `sslmode`, https://www.postgresql.org/docs/current/libpq-ssl.html). */
export type PostgresSslMode = 'disable' | 'require' | 'verify-ca' | 'verify-full';

/** An external PostgreSQL database, as the consumer's `externalDatabase` props field. */
export interface ExternalDatabase {
  /** Host name or IP address of the server. */
  readonly host: string;
  /** TCP port. @default 5432 */
  readonly port?: number;
  /** Database name. */
  readonly database: string;
  /** Role the Blueprint logs in as; it must own `database`. */
  readonly user: string;
  /** Existing Secret in the Blueprint's namespace holding that role's password under the key `password`. */
  readonly passwordSecret: string;
  /** TLS of the connection. @default 'require' */
  readonly sslMode?: PostgresSslMode;
}

/** Default port of an external database. */
export const EXTERNAL_DATABASE_PORT = 5432;

/** Key of the password in `ExternalDatabase.passwordSecret`. */
export const EXTERNAL_DATABASE_PASSWORD_KEY = 'password';

/**
 * The zod schema of a consumer's `externalDatabase` props field (`ExternalDatabase`).
 * @param namespace the consumer's namespace, named in the descriptions
 */
export function externalDatabasePropsField(namespace: string): z.ZodOptional<z.ZodType<ExternalDatabase>> {
  return z
    .strictObject({
      host: z
        .string()
        .max(253)
        .regex(/^[a-z0-9]([-a-z0-9.]*[a-z0-9])?$/, { error: 'must be a lowercase host name or IPv4 address, e.g. db.example.org' })
        .describe('Host name or IP address of the PostgreSQL server'),
      port: z.number().int().min(1).max(65535, { error: 'must be a TCP port, 1-65535' }).optional().describe(`TCP port; default ${EXTERNAL_DATABASE_PORT}`),
      database: z.string().min(1).max(63).describe('Database name'),
      user: z.string().min(1).max(63).describe('Role the Blueprint logs in as, owner of the database'),
      passwordSecret: propsField.objectName().describe(`Existing Secret in namespace ${namespace} with the role's password under the key password`),
      sslMode: z.enum(['disable', 'require', 'verify-ca', 'verify-full']).optional().describe('TLS of the connection (libpq sslmode); default require'),
    })
    .optional()
    .describe(`An external PostgreSQL database instead of the CloudNativePG cluster in namespace ${namespace}`) as z.ZodOptional<z.ZodType<ExternalDatabase>>;
}
