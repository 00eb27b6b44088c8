import type { AddressInfo } from 'node:net';
import type { FastifyBaseLogger, FastifyInstance } from 'fastify';
import type { Config } from '../../config.ts';
import type { Db } from '../../db/connect.ts';
import { DEMO_EMAIL, type DemoWorkspace, databaseIsEmpty, findDemoWorkspace, newDemoPassword, seedDemo } from './seed.ts';
import { DemoSimulator } from './simulator.ts';

// The demo workspace at start (README "Demo"): seeded on the first start of an empty database
// when the demo is on (config.demo), then kept moving by the simulator while the server runs.
// The demo user's password is random and printed once, as soon as it exists: nothing keeps it
// but a hash, so later starts can only say where it was shown.

/** Seeds the demo on an empty database; returns the demo workspace when the demo is on and there is one. */
export async function prepareDemo(db: Db, config: Config, logger: FastifyBaseLogger): Promise<DemoWorkspace | null> {
  if (!config.demo) return null;
  if (await databaseIsEmpty(db)) {
    const started = Date.now();
    const password = newDemoPassword();
    const seeded = await seedDemo(db, config.publicUrl, password);
    logger.info({ ...seeded, ms: Date.now() - started }, 'seeded the demo workspace');
    // Printed before the server listens, so that a start that fails after seeding (a port in
    // use) has shown it all the same.
    console.log(`Demo workspace: sign in as ${DEMO_EMAIL} / ${password} (the password is shown only this once)`);
    return findDemoWorkspace(db);
  }
  const workspace = await findDemoWorkspace(db);
  if (workspace) console.log(`Demo workspace: sign in as ${DEMO_EMAIL} with the password printed when it was created (the first start)`);
  return workspace;
}

/** Starts the simulator against the listening server; it stops with the server. */
export function startDemo(app: FastifyInstance, workspace: DemoWorkspace, logger: FastifyBaseLogger, intervalMs = 3_000): DemoSimulator {
  const address = app.server.address() as AddressInfo;
  const host =
    address.address === '0.0.0.0' || address.address === '::'
      ? '127.0.0.1'
      : address.family === 'IPv6'
        ? `[${address.address}]`
        : address.address;
  const simulator = new DemoSimulator(workspace, `http://${host}:${address.port}`, logger, intervalMs);
  simulator.start();
  app.server.once('close', () => simulator.stop());
  return simulator;
}
