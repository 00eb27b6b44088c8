import { describe, expect, it } from 'vitest';
import { loadConfig } from '../../src/config.ts';

// TRUST_PROXY (SPEC §9): off unless set; a hop count or a list of proxies' addresses; anything
// else stops the start with a configuration error naming what is wrong.

describe('TRUST_PROXY', () => {
  it.each([
    [undefined, false],
    ['', false],
    ['0', false],
    ['1', 1],
    [' 2 ', 2],
    ['10.0.0.1', ['10.0.0.1']],
    ['10.0.0.0/8, 192.168.1.0/24,::1', ['10.0.0.0/8', '192.168.1.0/24', '::1']],
    ['fd00::/8,loopback', ['fd00::/8', 'loopback']],
    ['linklocal,uniquelocal', ['linklocal', 'uniquelocal']],
    ['10.1.2.3/32,::1/128', ['10.1.2.3/32', '::1/128']],
  ])('reads %j as %j', (value, expected) => {
    expect(loadConfig(value === undefined ? {} : { TRUST_PROXY: value }).trustProxy).toEqual(expected);
  });

  const advice = 'give the number of proxies in front of Tally (such as 1) or a comma-separated list of their addresses';
  it.each([
    ['true', '"true" would let any client choose its own address'],
    ['yes', '"yes" is not a hop count, an IP address, a CIDR (such as 10.0.0.0/8) or one of loopback, linklocal, uniquelocal'],
    ['-1', '"-1" is not'],
    ['1.5', '"1.5" is not'],
    ['1000', '"1000" is not'],
    ['10.0.0.0/33', '"10.0.0.0/33" is not'],
    ['::1/129', '"::1/129" is not'],
    ['10.0.0.0/8/1', '"10.0.0.0/8/1" is not'],
    ['10.0.0.256', '"10.0.0.256" is not'],
    ['10.0.0.1,', '"" is not'],
    ['10.0.0.1, proxy.internal, 2', '"proxy.internal", "2" are not'],
  ])('refuses %j', (value, reason) => {
    expect(() => loadConfig({ TRUST_PROXY: value })).toThrow(`Invalid configuration:\n  TRUST_PROXY: ${reason}`);
    expect(() => loadConfig({ TRUST_PROXY: value })).toThrow(advice);
  });
});
