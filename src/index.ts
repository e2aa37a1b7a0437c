/**
 * @module index
 * Worker entry point: requests (src/app.ts) and the Cron Trigger (src/scheduled.ts).
 */
import { app } from "./app";
import { scheduled } from "./scheduled";

export default { fetch: app.fetch, scheduled } satisfies ExportedHandler<Env>;
