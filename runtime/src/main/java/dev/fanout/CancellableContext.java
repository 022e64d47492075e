package dev.fanout;

/**
 * A {@link Context} that its owner can cancel. Made by {@link Context#withCancel()}, {@link
 * Context#withTimeout} and {@link Context#withDeadline}; use it in try-with-resources so that it
 * is cancelled, and released by its parent, when the block ends.
 *
 * <p>Cancelling a context cancels all of its descendants, runs its {@link Context#onCancel}
 * callbacks, and releases it from its parent. It never affects the parent.
 */
public sealed interface CancellableContext extends Context, AutoCloseable
    permits Contexts.Node {

  /**
   * Cancels this context with a {@link java.util.concurrent.CancellationException} as the cause.
   * No effect if already cancelled.
   */
  void cancel();

  /**
   * Cancels this context with the given cause, which {@link #cause()} will return. No effect if
   * already cancelled: the first cause wins.
   *
   * @throws NullPointerException if {@code cause} is null
   */
  void cancel(Throwable cause);

  /** Cancels this context, as {@link #cancel()} does. Idempotent; never throws. */
  @Override
  void close();
}
