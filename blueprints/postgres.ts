/**
 * What a Blueprint with a PostgreSQL database shares with the CloudNativePG Blueprint (`Cnpg`,
 * `platform/cnpg.ts`): the props field a consumer offers for its database (`postgresPropsField`),
 * the consumer interface the operator reads to know whose instances it must reach
 * (`PostgresConsumer`), and the bucket a consumer claims for its backups (`cnpgBackupBucket`).
 *
 * A consumer reads its connection with `cluster.blueprint(Cnpg).database(cluster, this)` and renders
 * its database cluster with `cluster.blueprint(Cnpg).render(scope, cluster, this, this.props.database)`.
 */
import { z } from 'zod';
import type { Blueprint } from '../lib/blueprint';
import type { Cluster } from '../lib/cluster';
import type { S3BucketClaim } from '../lib/services';
import { propsField, wholeNumber } from './common';

/** A consumer's database, as its platform team sizes it (the consumer's `props.database`). */
export interface PostgresOptions {
  /** PostgreSQL instances: one primary, the rest streaming replicas the operator fails over to. 1-5. @default 1 */
  readonly instances?: number;
  /** Size of each instance's data volume (a Kubernetes quantity), in the cluster's default StorageClass. @default '10Gi' */
  readonly storageSize?: string;
  /**
   * Back up to the cluster's S3 endpoint (SeaweedFS): WAL archiving and a daily base backup, kept
   * `CNPG_BACKUP_RETENTION`. A consumer with backups on claims `cnpgBackupBucket(consumer)` in its
   * `s3Buckets`.
   * @default false
   */
  readonly backups?: boolean;
}

/** Default PostgreSQL instances of a consumer's database. */
export const POSTGRES_DEFAULT_INSTANCES = 1;

/** Default size of each instance's data volume. */
export const POSTGRES_DEFAULT_STORAGE = '10Gi';

/**
 * The zod schema of a consumer's `database` props field (`PostgresOptions`), for its `propsSchema`:
 * `database: postgresPropsField()`.
 */
export function postgresPropsField(): z.ZodOptional<z.ZodType<PostgresOptions>> {
  return z
    .strictObject({
      instances: wholeNumber(1, 5).optional().describe(`PostgreSQL instances, 1-5: a primary and streaming replicas (default ${POSTGRES_DEFAULT_INSTANCES})`),
      storageSize: propsField.storageSize().optional().describe(`Data volume size of each instance (default ${POSTGRES_DEFAULT_STORAGE})`),
      backups: z.boolean().optional().describe('WAL archiving and daily base backups to the cluster S3 endpoint (default false)'),
    })
    .optional()
    .describe('The PostgreSQL database CloudNativePG runs for this Blueprint in its namespace') as z.ZodOptional<z.ZodType<PostgresOptions>>;
}

/**
 * A Blueprint whose database CloudNativePG runs: the operator reads it to allow its own traffic to
 * the consumer's instances (status port 8000 and PostgreSQL 5432 in the consumer's namespace).
 * `Cnpg.render` refuses a consumer that does not implement it, or that says it renders no database.
 */
export interface PostgresConsumer {
  /** Whether it renders a CloudNativePG Cluster in this cluster (false when its props name an external database). */
  usesCnpg(cluster: Cluster): boolean;
}

/** Whether a Blueprint declares that CloudNativePG runs its database. */
export function isPostgresConsumer(bp: Blueprint): bp is Blueprint & PostgresConsumer {
  return typeof (bp as Partial<PostgresConsumer>).usesCnpg === 'function';
}

/**
 * The bucket a consumer with database backups on claims in its `s3Buckets`:
 * `<consumer>-pg-backups`, holding its base backups and WAL archive.
 */
export function cnpgBackupBucket(consumer: Blueprint): S3BucketClaim {
  return { bucket: `${consumer.metadata.name}-pg-backups`, purpose: 'PostgreSQL base backups and WAL archive (CloudNativePG)' };
}
