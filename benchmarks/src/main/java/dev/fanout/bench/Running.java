package dev.fanout.bench;

/** A fan-out whose tasks were all submitted; {@link #await} is the fan-in. */
@FunctionalInterface
public interface Running {
  /** Waits as the contender's own API waits, and throws the failure if a task failed. */
  void await() throws Exception;
}
