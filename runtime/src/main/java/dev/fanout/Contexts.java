package dev.fanout;

import java.time.DateTimeException;
import java.time.Duration;
import java.time.Instant;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.CancellationException;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;

/** The two implementations of {@link Context}: the root, and every derived node. */
final class Contexts {
  private Contexts() {}

  /** Makes a child of {@code parent} whose own deadline is {@code deadline} (null: none). */
  static Node child(Context parent, Instant deadline) {
    Instant effective = earlier(parent.deadline().orElse(null), deadline);
    Node child = new Node(effective);
    if (parent instanceof Node) {
      Node p = (Node) parent;
      child.parentRegistration = p.onCancel(() -> child.cancel(p.cause()));
    }
    if (effective == null || child.isCancelled()) {
      return child;
    }
    if (!effective.equals(deadline)) {
      // The parent's deadline is the earlier one: the parent's timer covers it, unless it is
      // already due and has simply not fired yet.
      if (!effective.isAfter(Instant.now())) {
        child.cancel(new DeadlineExceededException(effective));
      }
      return child;
    }
    child.armTimer(effective);
    return child;
  }

  private static Instant earlier(Instant a, Instant b) {
    if (a == null) {
      return b;
    }
    if (b == null) {
      return a;
    }
    return a.isBefore(b) ? a : b;
  }

  static Instant deadlineAfter(Duration timeout) {
    Objects.requireNonNull(timeout, "timeout");
    if (timeout.isNegative()) {
      throw new IllegalArgumentException("timeout is negative: " + timeout);
    }
    try {
      return Instant.now().plus(timeout);
    } catch (DateTimeException | ArithmeticException tooFar) {
      return Instant.MAX;
    }
  }

  /**
   * The cause of a plain cancel or close, like Go's {@code context.Canceled}. It carries no stack
   * trace: filling one in costs about a microsecond, more than the rest of a context's life, and
   * closing a context is the normal, expected end. To record who cancelled and why, cancel with a
   * cause of your own.
   */
  static CancellationException cancelled(String message) {
    return new Cancelled(message);
  }

  private static final class Cancelled extends CancellationException {
    private static final long serialVersionUID = 1L;

    Cancelled(String message) {
      super(message);
    }

    @Override
    public synchronized Throwable fillInStackTrace() {
      return this;
    }
  }

  /** Deadline timers waiting to fire; for tests. */
  static int timerQueueSize() {
    return Timer.EXECUTOR.getQueue().size();
  }

  /** The root context. */
  static final class Background implements Context {
    static final Background INSTANCE = new Background();

    private static final Registration NEVER = () -> false;

    private Background() {}

    @Override
    public boolean isCancelled() {
      return false;
    }

    @Override
    public Throwable cause() {
      return null;
    }

    @Override
    public Optional<Instant> deadline() {
      return Optional.empty();
    }

    @Override
    public void throwIfCancelled() {}

    @Override
    public CancellableContext withCancel() {
      return child(this, null);
    }

    @Override
    public CancellableContext withTimeout(Duration timeout) {
      return child(this, deadlineAfter(timeout));
    }

    @Override
    public CancellableContext withDeadline(Instant deadline) {
      return child(this, Objects.requireNonNull(deadline, "deadline"));
    }

    @Override
    public Registration onCancel(Runnable action) {
      Objects.requireNonNull(action, "action");
      return NEVER;
    }

    @Override
    public String toString() {
      return "Context.background()";
    }
  }

  /** Holds the one timer thread that fires deadlines; made on first use. */
  private static final class Timer {
    static final ScheduledThreadPoolExecutor EXECUTOR = make();

    private static ScheduledThreadPoolExecutor make() {
      ScheduledThreadPoolExecutor executor =
          new ScheduledThreadPoolExecutor(
              1,
              r -> {
                Thread t = new Thread(r, "fanout-deadline-timer");
                t.setDaemon(true);
                return t;
              });
      // A context cancelled before its deadline removes its timer: nothing retains it.
      executor.setRemoveOnCancelPolicy(true);
      return executor;
    }
  }

  /** A derived context. Guarded by {@code this}: the list of callbacks. */
  static final class Node implements CancellableContext {
    private final Instant deadline;
    private volatile Throwable cause;
    volatile Registration parentRegistration;
    private volatile ScheduledFuture<?> timer;

    // Doubly linked list of callbacks still waiting to run; guarded by this.
    private Callback head;
    private Callback tail;

    Node(Instant deadline) {
      this.deadline = deadline;
    }

    void armTimer(Instant at) {
      long delayNanos;
      try {
        delayNanos = Duration.between(Instant.now(), at).toNanos();
      } catch (ArithmeticException tooFar) {
        return; // more than 292 years away: never fires in practice
      }
      if (delayNanos <= 0) {
        cancel(new DeadlineExceededException(at));
        return;
      }
      timer =
          Timer.EXECUTOR.schedule(
              () -> cancel(new DeadlineExceededException(at)), delayNanos, TimeUnit.NANOSECONDS);
      if (cause != null) {
        timer.cancel(false); // cancelled while we armed it
      }
    }

    @Override
    public boolean isCancelled() {
      return cause != null;
    }

    @Override
    public Throwable cause() {
      return cause;
    }

    @Override
    public Optional<Instant> deadline() {
      return Optional.ofNullable(deadline);
    }

    @Override
    public void throwIfCancelled() {
      Throwable c = cause;
      if (c != null) {
        throw new ContextCancelledException("context cancelled: " + c, c);
      }
    }

    @Override
    public CancellableContext withCancel() {
      return child(this, null);
    }

    @Override
    public CancellableContext withTimeout(Duration timeout) {
      return child(this, deadlineAfter(timeout));
    }

    @Override
    public CancellableContext withDeadline(Instant deadline) {
      return child(this, Objects.requireNonNull(deadline, "deadline"));
    }

    @Override
    public void cancel() {
      if (cause == null) {
        cancel(cancelled("context cancelled"));
      }
    }

    @Override
    public void close() {
      cancel();
    }

    @Override
    public void cancel(Throwable why) {
      Objects.requireNonNull(why, "cause");
      Callback first;
      synchronized (this) {
        if (cause != null) {
          return;
        }
        cause = why;
        first = head;
        head = tail = null;
        for (Callback c = first; c != null; c = c.next) {
          c.linked = false;
        }
      }
      Throwable thrown = null;
      for (Callback c = first; c != null; ) {
        Callback next = c.next;
        c.prev = c.next = null;
        try {
          c.action.run();
        } catch (Throwable t) {
          if (thrown == null) {
            thrown = t;
          } else if (thrown != t) {
            thrown.addSuppressed(t);
          }
        }
        c = next;
      }
      Registration fromParent = parentRegistration;
      if (fromParent != null) {
        fromParent.remove();
        parentRegistration = null;
      }
      ScheduledFuture<?> t = timer;
      if (t != null) {
        t.cancel(false);
        timer = null;
      }
      if (thrown != null) {
        Thread self = Thread.currentThread();
        try {
          self.getUncaughtExceptionHandler().uncaughtException(self, thrown);
        } catch (Throwable ignored) {
          // A handler that throws must not turn a cancel into a failure of the canceller.
        }
      }
    }

    @Override
    public Registration onCancel(Runnable action) {
      Objects.requireNonNull(action, "action");
      Callback c = new Callback(this, action);
      synchronized (this) {
        if (cause == null) {
          c.linked = true;
          c.prev = tail;
          if (tail == null) {
            head = c;
          } else {
            tail.next = c;
          }
          tail = c;
          return c;
        }
      }
      action.run();
      return c;
    }

    synchronized boolean unlink(Callback c) {
      if (!c.linked) {
        return false;
      }
      c.linked = false;
      if (c.prev == null) {
        head = c.next;
      } else {
        c.prev.next = c.next;
      }
      if (c.next == null) {
        tail = c.prev;
      } else {
        c.next.prev = c.prev;
      }
      c.prev = c.next = null;
      return true;
    }

    /** How many callbacks wait on this context (children included); for tests. */
    synchronized int pendingCallbacks() {
      int n = 0;
      for (Callback c = head; c != null; c = c.next) {
        n++;
      }
      return n;
    }

    @Override
    public String toString() {
      Throwable c = cause;
      StringBuilder s = new StringBuilder("Context[");
      s.append(c == null ? "live" : "cancelled: " + c);
      if (deadline != null) {
        s.append(", deadline=").append(deadline);
      }
      return s.append(']').toString();
    }
  }

  /** One registered action; unlinks itself from its context on remove. */
  private static final class Callback implements Context.Registration {
    private final Node owner;
    final Runnable action;
    Callback prev;
    Callback next;
    boolean linked; // guarded by owner

    Callback(Node owner, Runnable action) {
      this.owner = owner;
      this.action = action;
    }

    @Override
    public boolean remove() {
      return owner.unlink(this);
    }
  }
}
