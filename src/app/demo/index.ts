import type { AddressInfo } from 'node:net';
import type { FastifyBaseLogger, FastifyInstance } from 'fastify';
import type { Config } from '../../config.ts';
import type { Db } from '../../db/connect.ts';
import { databaseIsEmpty, DEMO_EMAIL, DEMO_PASSWORD, type DemoWorkspace, findDemoWorkspace, seedDemo } from './seed.ts';
import { DemoSimulator } from './simulator.ts';

// The demo workspace at start (README "Demo"): seeded on the first start of an empty database
// when the demo is on (config.demo), then kept moving by the simulator while the server runs.

/** Seeds the demo on an empty database; returns the demo workspace when the demo is on and there is one. */
export async function prepareDemo(db: Db, config: Config, logger: FastifyBaseLogger): Promise<DemoWorkspace | null> {
  if (!config.demo) return null;
  if (await databaseIsEmpty(db)) {
    const started = Date.now();
    const seeded = await seedDemo(db, config.publicUrl);
    logger.info({ ...seeded, ms: Date.now() - started }, 'seeded the demo workspace');
  }
  return findDemoWorkspace(db);
}

/** Prints the demo sign-in and starts the simulator against the listening server; it stops with the server. */
export function startDemo(app: FastifyInstance, workspace: DemoWorkspace, logger: FastifyBaseLogger, intervalMs = 3_000): DemoSimulator {
  const address = app.server.address() as AddressInfo;
  const host =
    address.address === '0.0.0.0' || address.address === '::' ? '127.0.0.1'
    : address.family === 'IPv6' ? `[${address.address}]`
    : address.address;
  const simulator = new DemoSimulator(workspace, `http://${host}:${address.port}`, logger, intervalMs);
  simulator.start();
  app.server.once('close', () => simulator.stop());
  console.log(`Demo workspace: sign in as ${DEMO_EMAIL} / ${DEMO_PASSWORD}`);
  return simulator;
}
