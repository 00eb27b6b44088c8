/**
 * The promise's value if it settles within `ms`, else 'late' (it is left to settle unseen).
 * Operators' probes answer in bounded time even when the database says nothing at all (a
 * failover can leave connection attempts hanging until the network gives up).
 */
export async function within<T>(promise: Promise<T>, ms: number): Promise<T | 'late'> {
  let timer: NodeJS.Timeout | undefined;
  const late = new Promise<'late'>((resolve) => (timer = setTimeout(() => resolve('late'), ms)));
  try {
    return await Promise.race([promise, late]);
  } finally {
    clearTimeout(timer);
  }
}
