import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import type { AccessWatch } from '../app/accounts/access-watch.ts';
import type { ConversionEvents, EventMessage } from '../app/events/events.ts';
import { isInt8Id } from '../core/limits.ts';
import { callerOf, requireRole } from './auth.ts';
import type { ServerDeps } from './server-deps.ts';

// GET /api/events: the account's conversion changes as Server-Sent Events.

// Messages a stream may have waiting for its client before it is closed with `reload`.
const MAX_BEHIND = 5_000;
export const eventRoutes: FastifyPluginAsyncZod<ServerDeps & { events: ConversionEvents; access: AccessWatch }> = async (
  app,
  { events, access },
) => {
  app.get(
    '/api/events',
    {
      onRequest: requireRole('viewer'),
      sse: 'only',
      schema: {
        tags: ['events'],
        description:
          "Server-Sent Events: `event: conversion` with the Conversion after every change to one of the account's conversions. " +
          'Event ids let a reconnecting client (Last-Event-ID) receive what it missed; `event: reload` means it must reload instead. ' +
          'The stream ends when its session ends, its key is revoked or its user is removed.',
      },
    },
    async (request, reply) => {
      const caller = callerOf(request);
      const { accountId } = caller;
      // Subscribe first and hold live messages back while the missed ones are sent, so nothing
      // falls between the two; a live message already sent by the replay is not sent again.
      let held: EventMessage[] | null = [];
      const replayed = new Set<string>();
      // Writes go one after another: a client that reads slowly holds back its own stream (up to
      // MAX_BEHIND messages, then it is told to reload) and never piles up writes on the socket.
      let behind = 0;
      let writing: Promise<unknown> = Promise.resolve();
      const write = (message: { id?: string; event: string; data: unknown }) => {
        behind += 1;
        writing = writing
          .then(() => reply.sse.send(message))
          .catch(() => undefined)
          .finally(() => (behind -= 1));
      };
      let overrun = false;
      const send = (messages: EventMessage[]) => {
        if (overrun) return;
        for (const m of messages) {
          if (m.id !== undefined && replayed.has(m.id)) continue;
          if (behind >= MAX_BEHIND) {
            overrun = true;
            write({ event: 'reload', data: { reason: 'the stream fell too far behind' } });
            writing = writing.finally(() => reply.sse.close());
            return;
          }
          write({ id: m.id, event: m.event, data: m.data });
        }
      };
      // What committed before this request is history (replayed only on Last-Event-ID): the log is
      // read past it before subscribing, and only then do the headers tell the client it is open.
      await events.catchUp();
      const unsubscribe = events.subscribe(accountId, (messages) => (held ? held.push(...messages) : send(messages)));
      reply.sse.onClose(unsubscribe);
      // Access taken away (anywhere) ends the stream; the client's reconnection is then refused.
      reply.sse.onClose(access.watch(caller, 'viewer', () => reply.sse.close()));
      reply.sse.keepAlive();
      reply.sse.sendHeaders();
      reply.raw.flushHeaders();
      const last = reply.sse.lastEventId;
      if (last) {
        // An id beyond int8 was never one of ours: a reload, like any event no longer known.
        const missed = await events.replay(accountId, isInt8Id(last) ? last : 'unknown');
        send(missed);
        for (const m of missed) if (m.id !== undefined) replayed.add(m.id);
      }
      const waiting = held;
      held = null;
      send(waiting);
    },
  );
};
