package dev.fanout.sample;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.TimeUnit;

/** A thread-safe log of what each specialist did, for the command line to print. */
public final class Journal {
  private final ConcurrentLinkedQueue<String> lines = new ConcurrentLinkedQueue<>();

  void started(String name) {
    lines.add(name + ": started");
  }

  void finished(String name, long nanos, Throwable failure) {
    long ms = TimeUnit.NANOSECONDS.toMillis(nanos);
    lines.add(
        failure == null
            ? String.format(Locale.ROOT, "%s: answered after %d ms", name, ms)
            : String.format(Locale.ROOT, "%s: FAILED after %d ms: %s", name, ms, failure.getMessage()));
  }

  void cancelled(String name, long nanos, Throwable cause) {
    lines.add(
        String.format(
            Locale.ROOT,
            "%s: cancelled after %d ms (cause: %s)",
            name,
            TimeUnit.NANOSECONDS.toMillis(nanos),
            cause));
  }

  /** Everything logged so far, in order. */
  public List<String> lines() {
    return new ArrayList<>(lines);
  }
}
