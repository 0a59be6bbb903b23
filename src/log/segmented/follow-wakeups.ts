// Wakes a follower's waiting reads soon after the writer publishes a commit. An inotify watch
// (fs.watch) on each partition folder reports the write to its committed-end file within about a
// millisecond; a poll every `followPollIntervalMs` covers file systems without inotify, a watch
// that failed, and an event queue that overflowed. Both look only at partitions where a read is
// waiting. The poll runs only while one is, and, being a sleep rather than an unreferenced timer,
// keeps the process alive meanwhile: a waiting read is answered even if nothing else runs.
import fs from 'node:fs';
import type { LogContext } from './log-context.js';
import { committedEndName } from './segment-files.js';

export interface FollowWakeups {
  /** A read now waits on `partition`: make sure something looks for its commits. */
  waiting(partition: number): void;
  close(): void;
}

export interface FollowTargets {
  partitionDirs: readonly string[];
  hasWaiters(partition: number): boolean;
  /** Looks for new commits of `partition` (and wakes its readers if there are some). */
  check(partition: number): void;
}

export function createFollowWakeups(context: LogContext, targets: FollowTargets): FollowWakeups {
  const { followWatch, followPollIntervalMs } = context.options;
  const watchers: (fs.FSWatcher | undefined)[] = targets.partitionDirs.map(() => undefined);
  // A watch is tried again later only when its folder did not exist yet (the writer is opening).
  const retryWatch: boolean[] = targets.partitionDirs.map(() => followWatch);
  let polling = false;
  let closed = false;

  const watch = (partition: number): void => {
    retryWatch[partition] = false;
    try {
      const watcher = fs.watch(targets.partitionDirs[partition]!, { persistent: false }, (_event, filename) => {
        if ((filename === null || filename === committedEndName) && targets.hasWaiters(partition)) targets.check(partition);
      });
      watcher.on('error', (error) => {
        context.logger.warn({ partition, error: String(error) }, 'watching a partition folder failed; polling it instead');
        watcher.close();
        watchers[partition] = undefined;
      });
      watchers[partition] = watcher;
    } catch (error) {
      const code = (error as NodeJS.ErrnoException).code;
      if (code === 'ENOENT') retryWatch[partition] = true;
      else context.logger.warn({ partition, code, error: String(error) }, 'cannot watch a partition folder; polling it instead');
    }
  };

  /** Looks at every partition a read waits on; false when none does. */
  const tick = (): boolean => {
    let waiting = false;
    for (let partition = 0; partition < targets.partitionDirs.length; partition++) {
      if (!targets.hasWaiters(partition)) continue;
      waiting = true;
      if (retryWatch[partition]) watch(partition);
      targets.check(partition);
    }
    return waiting;
  };

  // A sleep, not a timer: unlike the real clock's timers it keeps the process alive, so that a
  // process whose only work is a waiting read does not exit before the commit that answers it.
  const poll = async (): Promise<void> => {
    polling = true;
    do await context.clock.sleep(followPollIntervalMs);
    while (!closed && tick());
    polling = false;
  };

  for (let partition = 0; partition < targets.partitionDirs.length; partition++) if (followWatch) watch(partition);

  return {
    waiting() {
      if (!closed && !polling) void poll();
    },
    close() {
      closed = true;
      for (const watcher of watchers) watcher?.close();
    },
  };
}
