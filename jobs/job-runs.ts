import type { Knex } from 'knex';

export interface JobRunKey {
  municipalityId: number;
  job: string;
  period: string;
}

export type JobOutcome = 'ran' | 'skipped' | 'failed';

/**
 * Does `work` for a period at most once across every instance of the service. The job_runs row is
 * inserted with ON CONFLICT DO NOTHING in the same transaction as the work: a second instance
 * either waits on the first one's uncommitted row and then skips, or (if the first rolled back)
 * takes the period itself. An advisory lock would not do: a late instance would run again after
 * the lock was released. A failure is recorded after the rollback and takes the period too, so it
 * is not retried blindly; `carepay budget-check` re-runs a period by hand.
 */
export async function runOnce(
  db: Knex,
  key: JobRunKey,
  instance: string,
  work: (tx: Knex.Transaction) => Promise<void>,
): Promise<{ outcome: JobOutcome; error?: unknown }> {
  const startedAt = new Date();
  try {
    return await db.transaction(async (tx) => {
      const { rows } = await tx.raw(
        `insert into job_runs (municipality_id, job, period, status, instance, started_at)
         values (?, ?, ?, 'running', ?, ?)
         on conflict (municipality_id, job, period) do nothing
         returning id`,
        [key.municipalityId, key.job, key.period, instance, startedAt],
      );
      if (rows.length === 0) return { outcome: 'skipped' as const };
      await work(tx);
      await tx('job_runs')
        .where({ id: rows[0].id })
        .update({ status: 'succeeded', finished_at: tx.raw('clock_timestamp()') });
      return { outcome: 'ran' as const };
    });
  } catch (error) {
    const message = error instanceof Error ? error.message : String(error);
    await db
      .raw(
        `insert into job_runs (municipality_id, job, period, status, instance, started_at, finished_at, error)
         values (?, ?, ?, 'failed', ?, ?, clock_timestamp(), ?)
         on conflict (municipality_id, job, period) do nothing`,
        [key.municipalityId, key.job, key.period, instance, startedAt, message.slice(0, 2000)],
      )
      .catch(() => undefined); // the database may be what failed; the caller logs the error
    return { outcome: 'failed', error };
  }
}

export async function jobRuns(db: Knex, municipalityId: number, job: string) {
  return db('job_runs').where({ municipality_id: municipalityId, job }).orderBy('period');
}
