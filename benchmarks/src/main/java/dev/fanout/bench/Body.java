package dev.fanout.bench;

/** What one task does; every contender runs the same body. */
@FunctionalInterface
public interface Body {
  void run() throws Exception;

  /** The no-op task of the bounded fan-out: what is measured is the machinery alone. */
  Body NOOP = () -> {};

  /** The I/O-like task of the unbounded fan-out. */
  Body SLEEP_1MS = () -> Thread.sleep(1);
}
