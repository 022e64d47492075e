package dev.fanout;

import static org.junit.jupiter.api.Assertions.fail;

import java.time.Duration;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.atomic.AtomicReference;

/**
 * Runs a piece of test code on a thread of its own and fails the test, with a dump of every
 * thread, if it does not end in time: a hang becomes a failure that says where everyone was,
 * instead of a build that never ends.
 */
final class Watchdog {
  private Watchdog() {}

  /** The outcome of the code: what it returned, or what it threw. */
  static final class Outcome<T> {
    final T value;
    final Throwable thrown;

    Outcome(T value, Throwable thrown) {
      this.value = value;
      this.thrown = thrown;
    }
  }

  /** Runs {@code body} and returns how it ended; fails if it runs longer than {@code limit}. */
  static <T> Outcome<T> within(Duration limit, String what, Callable<T> body) {
    AtomicReference<Outcome<T>> out = new AtomicReference<>();
    Thread runner =
        new Thread(
            () -> {
              try {
                out.set(new Outcome<>(body.call(), null));
              } catch (Throwable t) {
                out.set(new Outcome<>(null, t));
              }
            },
            "watched: " + what);
    runner.setDaemon(true); // a hung body must not keep the test JVM alive
    runner.start();
    try {
      runner.join(limit.toMillis());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      fail("interrupted while watching " + what);
    }
    if (runner.isAlive()) {
      fail(what + " did not end within " + limit + " (a hang)\n" + dumpThreads());
    }
    return out.get();
  }

  /** Runs {@code body}, which returns nothing; fails on a hang. Returns what it threw, or null. */
  static Throwable run(Duration limit, String what, ThrowingRunnable body) {
    return within(
            limit,
            what,
            () -> {
              body.run();
              return null;
            })
        .thrown;
  }

  /** Code that may throw anything. */
  @FunctionalInterface
  interface ThrowingRunnable {
    void run() throws Exception;
  }

  /** Every live thread's stack, for a hang report. */
  static String dumpThreads() {
    StringBuilder dump = new StringBuilder();
    for (Map.Entry<Thread, StackTraceElement[]> e : Thread.getAllStackTraces().entrySet()) {
      Thread t = e.getKey();
      dump.append('"').append(t.getName()).append("\" ").append(t.getState()).append('\n');
      for (StackTraceElement frame : e.getValue()) {
        dump.append("    at ").append(frame).append('\n');
      }
    }
    return dump.toString();
  }
}
