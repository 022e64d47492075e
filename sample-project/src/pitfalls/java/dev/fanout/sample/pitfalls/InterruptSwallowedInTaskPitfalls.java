package dev.fanout.sample.pitfalls;

import dev.fanout.Context;
import dev.fanout.TaskGroup;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;

/**
 * A specialist feed whose tasks swallow the interrupt that cancellation sends: when one task
 * fails, the others catch the InterruptedException, log it, and carry on polling. One
 * InterruptSwallowedInTask finding, listed in src/pitfalls/expected-findings.txt; -Pfix restores
 * the interrupt flag and leaves the task.
 */
public final class InterruptSwallowedInTaskPitfalls {
  private final List<BlockingQueue<String>> feeds = List.of(new LinkedBlockingQueue<>(), new LinkedBlockingQueue<>());

  /** Each task drains one feed; an interrupt is logged and ignored. */
  public void drainFeeds(Context ctx) throws InterruptedException {
    try (TaskGroup group = TaskGroup.withContext(ctx)) {
      for (BlockingQueue<String> feed : feeds) {
        group.go(
            c -> {
              for (int i = 0; i < 100; i++) {
                try {
                  String item = feed.take();
                  System.out.println("got " + item);
                } catch (InterruptedException e) {
                  System.out.println("interrupted; carrying on");
                }
              }
            });
      }
      group.await();
    }
  }
}
