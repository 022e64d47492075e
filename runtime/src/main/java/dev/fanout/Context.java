package dev.fanout;

import java.time.Duration;
import java.time.Instant;
import java.util.Optional;

/**
 * Carries a cancellation signal and an optional deadline from a caller to the work it started.
 *
 * <p>Contexts form a tree. The root is {@link #background()}, which is never cancelled. Every
 * other context is derived from a parent with {@link #withCancel()}, {@link #withTimeout} or
 * {@link #withDeadline}, and is cancelled when any of these happens first:
 *
 * <ul>
 *   <li>its own {@link CancellableContext#cancel(Throwable) cancel} or {@link
 *       CancellableContext#close() close} is called;
 *   <li>its deadline passes (the cause is a {@link DeadlineExceededException});
 *   <li>its parent is cancelled (the child takes the parent's {@linkplain #cause() cause}).
 * </ul>
 *
 * <p>Cancellation is permanent and happens at most once: the first cause wins, and later calls to
 * {@code cancel} have no effect. A child's deadline is the earlier of its own and its parent's.
 *
 * <p><b>Memory.</b> A parent refers to a child only while the child can still be cancelled: once
 * a child is cancelled or closed, its parent drops every reference to it. A long-lived parent can
 * therefore have any number of short-lived children over time, provided each is closed (use
 * try-with-resources).
 *
 * <p><b>Thread safety.</b> All methods may be called from any thread. A cancellation, and every
 * action of the thread that cancelled before it cancelled, happens-before any call that observes
 * it ({@link #isCancelled()} returning {@code true}, {@link #cause()} returning non-null, or a
 * callback registered with {@link #onCancel} running).
 *
 * <p>This interface is sealed: contexts are made only by {@link #background()} and the
 * {@code with*} methods, which is what lets the guarantees above hold.
 */
public sealed interface Context permits Contexts.Background, CancellableContext {

  /**
   * Returns the root context: never cancelled, without a deadline. Contexts derived from it are
   * cancelled only by their own cancel, close or deadline.
   */
  static Context background() {
    return Contexts.Background.INSTANCE;
  }

  /** Returns whether this context has been cancelled. Never reverts to {@code false}. */
  boolean isCancelled();

  /**
   * Returns why this context was cancelled, or {@code null} if it has not been. The cause is the
   * throwable given to {@link CancellableContext#cancel(Throwable)}, a {@link
   * java.util.concurrent.CancellationException} (without a stack trace) for a plain {@code cancel()}
   * or {@code close()}, a
   * {@link DeadlineExceededException} when the deadline passed, or the parent's cause when the
   * cancellation came from the parent. For the context of a {@link TaskGroup}, it is the first
   * task failure that cancelled the group.
   */
  Throwable cause();

  /** Returns the instant after which this context is cancelled, if it has one. */
  Optional<Instant> deadline();

  /**
   * Does nothing if this context is live; otherwise throws a {@link ContextCancelledException}
   * whose {@linkplain Throwable#getCause() cause} is {@link #cause()}. Call it between steps of
   * long computations that have no blocking call to be interrupted.
   *
   * @throws ContextCancelledException if this context has been cancelled
   */
  void throwIfCancelled();

  /** Returns a new child of this context that can be cancelled on its own. Close it when done. */
  CancellableContext withCancel();

  /**
   * Returns a new child that is cancelled {@code timeout} from now at the latest.
   *
   * @throws IllegalArgumentException if {@code timeout} is negative
   * @throws NullPointerException if {@code timeout} is null
   */
  CancellableContext withTimeout(Duration timeout);

  /**
   * Returns a new child that is cancelled at {@code deadline} at the latest. Its {@link
   * #deadline()} is the earlier of {@code deadline} and this context's deadline. A deadline that
   * has already passed gives a child that is already cancelled.
   *
   * @throws NullPointerException if {@code deadline} is null
   */
  CancellableContext withDeadline(Instant deadline);

  /**
   * Arranges for {@code action} to run once when this context is cancelled, like Go's {@code
   * context.AfterFunc}. If the context is already cancelled, {@code action} runs now, on the
   * calling thread; otherwise it runs on the thread that cancels, before {@code cancel} returns,
   * in registration order. Keep actions short and non-blocking. An exception thrown by an action
   * does not stop the others; it is passed to the uncaught exception handler of the thread that
   * ran it (the canceller, or this method's caller if the context was already cancelled) and is
   * never thrown from {@code cancel} or from this method.
   *
   * <p>The returned registration removes the action: after {@link Registration#remove()} the
   * context no longer refers to it. For {@link #background()} the action never runs.
   *
   * @throws NullPointerException if {@code action} is null
   */
  Registration onCancel(Runnable action);

  /** A callback registered with {@link Context#onCancel}. */
  interface Registration {
    /**
     * Removes the callback. Returns {@code true} if this call stopped it from ever running, {@code
     * false} if it was already removed or the context has been cancelled (the callback has run,
     * or is about to run on the cancelling thread).
     */
    boolean remove();
  }
}
