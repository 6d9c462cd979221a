import { createApp } from './app.js';
import { loadConfig } from './config.js';
import { openDatabase } from './db/database.js';
import { migrateLatest } from './db/migrate.js';
import { buildServices } from './services.js';
import { createLogger } from './shared/logger.js';
import { startScheduler } from '../jobs/scheduler.js';

/** Composition root: config → db → services → app → listen. */
async function main() {
  const config = loadConfig();
  const log = createLogger(config.LOG_LEVEL);
  const handle = await openDatabase(config);
  const applied = await migrateLatest(handle.db);
  if (applied.length) log.info({ applied }, 'migrations applied');
  const services = buildServices(handle.db, config);
  const app = createApp({ services, log });
  const scheduler = config.SCHEDULER_ENABLED ? startScheduler(services, log) : null;
  const server = app.listen(config.PORT, config.HOST, () => {
    log.info({ url: `http://${config.HOST}:${config.PORT}`, embeddedDb: handle.embedded }, 'carepay listening; API reference at /docs');
  });
  const shutdown = (signal: string) => {
    log.info({ signal }, 'shutting down');
    server.close(() => {
      void (async () => {
        await scheduler?.stop();
        await handle.close().then(
          () => process.exit(0),
          () => process.exit(1),
        );
      })();
    });
  };
  process.on('SIGINT', () => shutdown('SIGINT'));
  process.on('SIGTERM', () => shutdown('SIGTERM'));
}

main().catch((err) => {
  console.error(err instanceof Error ? err.message : err);
  process.exit(1);
});
