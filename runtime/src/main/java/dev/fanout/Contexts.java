package dev.fanout;

import java.time.DateTimeException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.CancellationException;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;

/**
 * The two implementations of {@link Context}: the root, and every derived node.
 *
 * <p>How cancellation travels: a node keeps one list of callbacks, in registration order. A
 * callback is either a user's action ({@link Context#onCancel}) or the link to a child. Cancelling
 * a node walks that tree depth first with an explicit stack (never by recursion, so a chain of any
 * depth is cancelled), marks each node with the same cause object, and runs the actions in the
 * order a recursive walk would. A deadline belongs to the one node that set it (its owner); its
 * descendants inherit the instant and are cancelled through the tree when the owner's timer fires.
 */
final class Contexts {
  private Contexts() {}

  /** Makes a child of {@code parent} whose own deadline is {@code deadline} (null: none). */
  static Node child(Context parent, Instant deadline) {
    Node p = parent instanceof Node ? (Node) parent : null;
    Instant inherited = p == null ? null : p.deadline;
    boolean owns = deadline != null && (inherited == null || deadline.isBefore(inherited));
    Node child =
        owns ? new Node(deadline, null) : new Node(inherited, p == null ? null : p.deadlineOwner);
    if (p != null) {
      child.parentLink = p.link(child); // cancels the child at once if p is cancelled
    }
    if (child.isCancelled() || child.deadline == null) {
      return child;
    }
    if (owns) {
      child.armTimer();
    } else if (!child.deadline.isAfter(Instant.now())) {
      // The inherited deadline is due and its owner's timer may not have fired yet: fire it now,
      // at the owner, so that this child takes the owner's cause object like every other
      // descendant. If the owner's cancellation is still on its way down the tree (another thread
      // runs it), take its cause now: the child of an overdue context is born cancelled.
      Node owner = child.deadlineOwner;
      owner.expire();
      if (!child.isCancelled()) {
        child.cancel(owner.cause());
      }
    }
    return child;
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
   * Nanoseconds from now until {@code at}: at most 0 if it has passed, however long ago, and
   * {@link Long#MAX_VALUE} if it is more than about 292 years away.
   */
  static long nanosUntil(Instant at) {
    Instant now = Instant.now();
    if (!at.isAfter(now)) {
      return 0;
    }
    try {
      return Duration.between(now, at).toNanos();
    } catch (ArithmeticException tooFar) {
      return Long.MAX_VALUE;
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

  /**
   * Describes {@code t} for a message: its {@code toString()}, or, if that throws, its class name.
   * A failure that cannot describe itself must not replace the outcome it belongs to.
   */
  static String describe(Throwable t) {
    if (t == null) {
      return "null";
    }
    try {
      return String.valueOf(t);
    } catch (RuntimeException | Error broken) {
      return t.getClass().getName() + " (its toString() threw " + broken.getClass().getName() + ")";
    }
  }

  /** A {@link CancellationException} without a stack trace; prints as its public type. */
  private static final class Cancelled extends CancellationException {
    private static final long serialVersionUID = 1L;

    Cancelled(String message) {
      super(message);
    }

    @Override
    public synchronized Throwable fillInStackTrace() {
      return this;
    }

    @Override
    public String toString() {
      return CancellationException.class.getName() + ": " + getMessage();
    }
  }

  /** Deadline timers waiting to fire; for tests. */
  static int timerQueueSize() {
    return Timer.EXECUTOR.getQueue().size();
  }

  /** Runs an action that was registered with {@code onCancel}; its exception goes to the handler. */
  private static Throwable runAction(Runnable action, Throwable thrownSoFar) {
    try {
      action.run();
      return thrownSoFar;
    } catch (Throwable t) {
      if (thrownSoFar == null) {
        return t;
      }
      if (thrownSoFar != t) {
        thrownSoFar.addSuppressed(t);
      }
      return thrownSoFar;
    }
  }

  /** Hands exceptions of cancel actions to the current thread's uncaught-exception handler. */
  private static void report(Throwable thrown) {
    if (thrown == null) {
      return;
    }
    Thread self = Thread.currentThread();
    try {
      self.getUncaughtExceptionHandler().uncaughtException(self, thrown);
    } catch (Throwable ignored) {
      // A handler that throws must not turn a cancel into a failure of the canceller.
    }
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

  /**
   * A derived context. Its callback list is guarded by {@code this}; {@code cause} is written once,
   * under the same lock, and read without it.
   */
  static final class Node implements CancellableContext {
    /** The instant this context is cancelled at, its own or inherited; null: none. */
    final Instant deadline;
    /** The node whose timer fires {@link #deadline}: this one, an ancestor, or null (none). */
    final Node deadlineOwner;

    private volatile Throwable cause;
    /** This node's entry in its parent's list; null for a child of the root, or once detached. */
    volatile Callback parentLink;
    private volatile ScheduledFuture<?> timer;

    // Doubly linked list of callbacks still waiting to run; guarded by this.
    private Callback head;
    private Callback tail;

    /** A node with no deadline, or with {@code deadline} owned by {@code owner} (null: itself). */
    Node(Instant deadline, Node owner) {
      this.deadline = deadline;
      this.deadlineOwner = deadline == null ? null : owner == null ? this : owner;
    }

    /** Starts this node's own deadline timer, or cancels at once if the deadline has passed. */
    void armTimer() {
      long delay = nanosUntil(deadline);
      if (delay <= 0) {
        expire();
        return;
      }
      if (delay == Long.MAX_VALUE) {
        return; // about 292 years or more away: it never fires while this JVM runs
      }
      timer = Timer.EXECUTOR.schedule(this::expire, delay, TimeUnit.NANOSECONDS);
      if (cause != null) {
        timer.cancel(false); // cancelled while we armed it
      }
    }

    /** Cancels this node because its own deadline passed (no effect if it is already cancelled). */
    void expire() {
      if (cause == null) {
        cancel(new DeadlineExceededException(deadline));
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
        throw new ContextCancelledException("context cancelled: " + describe(c), c);
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
      } else {
        unlinkFromParent(); // cancelled by another thread: it may not have unlinked us yet
      }
    }

    @Override
    public void close() {
      cancel();
    }

    @Override
    public void cancel(Throwable why) {
      Objects.requireNonNull(why, "cause");
      Callback first = detach(why);
      unlinkFromParent();
      if (first == ALREADY) {
        return;
      }
      report(cascade(this, first, why));
    }

    /**
     * Lets the parent drop its reference to this node. Every cancel does this before it returns,
     * winner of the race to cancel or not: a cancel or close that lost to another canceller (a
     * timer, a sibling's failure) must not return while the parent still refers to us. The field
     * is cleared only after the removal, which is idempotent and holds the parent's lock, so
     * whoever reads null knows the removal is done.
     */
    private void unlinkFromParent() {
      Callback link = parentLink;
      if (link != null) {
        link.remove();
        parentLink = null;
      }
    }

    /**
     * Marks this node cancelled with {@code why} and takes its callbacks; returns the first of
     * them (null: none), or {@link #ALREADY} if it was cancelled before.
     */
    private Callback detach(Throwable why) {
      Callback first;
      synchronized (this) {
        if (cause != null) {
          return ALREADY;
        }
        cause = why;
        first = head;
        head = tail = null;
        for (Callback c = first; c != null; c = c.next) {
          c.linked = false;
        }
      }
      return first;
    }

    /** What a cancelled node does after its callbacks: let go of its timer. */
    private void ended() {
      ScheduledFuture<?> t = timer;
      if (t != null) {
        t.cancel(false);
        timer = null;
      }
    }

    /**
     * Runs the callbacks of {@code root}, just cancelled, and cancels its descendants, depth first
     * in registration order, without recursion. Returns what the actions threw (null: nothing).
     */
    private static Throwable cascade(Node root, Callback first, Throwable why) {
      Throwable thrown = null;
      ArrayDeque<Object> stack = null; // pairs: a node, and the callback to resume it at
      Node node = root;
      Callback c = first;
      for (; ; ) {
        while (c != null) {
          Callback next = c.next;
          c.prev = c.next = null;
          if (c.child == null) {
            thrown = runAction(c.action, thrown);
          } else {
            Callback grandchildren = c.child.detach(why);
            if (grandchildren != ALREADY) {
              c.child.parentLink = null; // we detached it from our list already
              if (stack == null) {
                stack = new ArrayDeque<>();
              }
              stack.push(node);
              stack.push(next == null ? END : next);
              node = c.child;
              c = grandchildren;
              continue;
            }
          }
          c = next;
        }
        node.ended();
        if (stack == null || stack.isEmpty()) {
          return thrown;
        }
        Object resume = stack.pop();
        node = (Node) stack.pop();
        c = resume == END ? null : (Callback) resume;
      }
    }

    @Override
    public Registration onCancel(Runnable action) {
      Objects.requireNonNull(action, "action");
      Callback c = new Callback(this, action, null);
      if (append(c)) {
        return c;
      }
      // Already cancelled: run it now, and treat its exception as the cancelling thread would.
      report(runAction(action, null));
      return c;
    }

    /**
     * Links {@code child} so that cancelling this node cancels it; if this node is already
     * cancelled, cancels the child now with this node's cause. Returns the link, for removal.
     */
    Callback link(Node child) {
      Callback c = new Callback(this, null, child);
      if (!append(c)) {
        child.cancel(cause);
      }
      return c;
    }

    /** Appends {@code c} unless this node is cancelled; returns whether it did. */
    private synchronized boolean append(Callback c) {
      if (cause != null) {
        return false;
      }
      c.linked = true;
      c.prev = tail;
      if (tail == null) {
        head = c;
      } else {
        tail.next = c;
      }
      tail = c;
      return true;
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
      s.append(c == null ? "live" : "cancelled: " + describe(c));
      if (deadline != null) {
        s.append(", deadline=").append(deadline);
      }
      return s.append(']').toString();
    }
  }

  /** What {@link Node#detach} returns for a node that was already cancelled. */
  private static final Callback ALREADY = new Callback(null, null, null);

  /** Marks, on the cascade's stack, a node whose callbacks have all been taken. */
  private static final Object END = new Object();

  /**
   * One entry of a node's callback list: a user's action, or the link to a child ({@link #child}
   * non-null). Removing it unlinks it from its node.
   */
  private static final class Callback implements Context.Registration {
    private final Node owner;
    final Runnable action;
    final Node child;
    Callback prev;
    Callback next;
    boolean linked; // guarded by owner

    Callback(Node owner, Runnable action, Node child) {
      this.owner = owner;
      this.action = action;
      this.child = child;
    }

    @Override
    public boolean remove() {
      return owner.unlink(this);
    }
  }
}
