package dev.fanout.sample;

import dev.fanout.Context;

/** One of the supervisor's specialists: answers one part of a query. */
public interface Specialist {
  /** The specialist's name, as the supervisor reports it. */
  String name();

  /**
   * Works on {@code query}. Must honour {@code ctx}: return or throw promptly once it is cancelled
   * (blocking calls are interrupted; long computations call {@link Context#throwIfCancelled()}).
   */
  Finding analyze(Context ctx, String query) throws Exception;
}
