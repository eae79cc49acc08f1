/**
 * setTimeout for any delay: Node fires a timer of more than 2^31-1 ms (about 24.8 days) at once, so a
 * `--timeout 8760h` would expire immediately. Longer delays are chained; Infinity never fires.
 */
const MAX_DELAY = 2 ** 31 - 1;

export interface LongTimer {
  clear(): void;
}

export function longTimeout(fn: () => void, ms: number): LongTimer {
  let handle: NodeJS.Timeout | undefined;
  const arm = (left: number) => {
    if (!Number.isFinite(left)) return;
    handle = setTimeout(
      () => (left > MAX_DELAY ? arm(left - MAX_DELAY) : fn()),
      Math.min(Math.max(left, 0), MAX_DELAY),
    );
  };
  arm(ms);
  return { clear: () => handle !== undefined && clearTimeout(handle) };
}
