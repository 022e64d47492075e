package dev.fanout;

import com.google.errorprone.annotations.MustBeClosed;
import java.io.InterruptedIOException;
import java.nio.channels.ClosedByInterruptException;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.Comparator;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.CancellationException;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ThreadFactory;

/**
 * Runs tasks concurrently, stops them all when one fails, and reports the failure: Go's {@code
 * errgroup}, for Java.
 *
 * <pre>{@code
 * try (TaskGroup g = TaskGroup.withContext(ctx)) {
 *   g.setLimit(6);
 *   for (int i = 0; i < specialists.size(); i++) {
 *     int slot = i;
 *     g.go(c -> results[slot] = specialists.get(slot).answer(c, query));
 *   }
 *   g.await();                       // throws the first failure
 * }                                  // no task outlives this block
 * }</pre>
 *
 * <h2>Context and cancellation</h2>
 *
 * The group has a {@linkplain #context() derived context}, a child of the parent given to {@link
 * #withContext}, and every task receives it. It is cancelled, and the tasks still running are
 * {@linkplain Thread#interrupt() interrupted}, when the first of these happens:
 *
 * <ul>
 *   <li>a task fails (its exception becomes the context's {@linkplain Context#cause() cause}),
 *       unless the group {@linkplain Builder#collectAllErrors() collects all errors};
 *   <li>the parent is cancelled or its deadline passes (the parent's cause propagates);
 *   <li>the thread in {@link #await()} is interrupted;
 *   <li>{@link #await()} returns, or {@link #close()} is called.
 * </ul>
 *
 * Once the context is cancelled no further task starts: tasks still queued, and tasks passed to
 * {@link #go} afterwards, are skipped.
 *
 * <h2>Limit and backpressure</h2>
 *
 * With {@link #setLimit(int) a limit} of {@code n}, at most {@code n} tasks are accepted and not
 * yet finished at any time. {@link #go} blocks while the limit is reached, so memory stays
 * proportional to the limit however many tasks are submitted. A task that calls {@code go} on its
 * own group while the limit is reached runs the new task itself, on its own thread, and so never
 * deadlocks; an interrupt the group delivers while that inner task runs still reaches the outer
 * one.
 *
 * <h2>Failures</h2>
 *
 * {@link #await()} waits for every accepted task to finish, then throws the first failure as a
 * {@link TaskFailedException} whose cause is the task's original exception; other genuine failures
 * are attached as suppressed. An {@link Error} thrown by a task is rethrown as it is, never
 * wrapped. If no task failed but work was skipped or abandoned because the group was cancelled
 * from outside, {@code await} throws {@link ContextCancelledException}, so incomplete results are
 * never mistaken for complete ones.
 *
 * <p>Exceptions that are only the fallout of the group's cancellation ({@link InterruptedException}
 * and the like, thrown after the group was cancelled) are not failures. But a genuine failure
 * attached to fallout is: when a task's {@code InterruptedException} carries, as a suppressed
 * exception anywhere in its chain, a failure of its own (typically a nested group's {@code
 * close()} throwing what its tasks threw), that failure is reported like any other.
 *
 * <h2>Memory visibility</h2>
 *
 * Every action of a task happens-before {@link #await()} returns, normally or by throwing a
 * task's failure or {@link ContextCancelledException}, and before {@link #close()} returns. That
 * is what makes the pattern {@code results[i] = ...} in tasks, read after {@code await},
 * correct without further synchronisation. (When {@code await} throws {@link
 * InterruptedException}, tasks may still be running; {@code close} waits for them.) Actions of
 * the thread that calls {@link #go} before the call happen-before the task runs.
 *
 * <h2>Threads</h2>
 *
 * Tasks run on virtual threads where the JVM has them (Java 21+) and on daemon platform threads
 * otherwise, unless {@linkplain Builder#threadFactory a thread factory} or {@linkplain
 * Builder#executor an executor} is supplied. A worker runs queued tasks one after another, and a
 * new one is started only when every worker is busy; when there is no work it spins briefly,
 * then parks in case more comes (on a supplied executor it gives the thread back at once), and
 * it ends when the group does, or sooner. The group has at most {@code limit} workers (a worker on
 * its way out may overlap its replacement for a moment). After {@link #close()} returns, no task
 * of the group is running, none will start, and every worker has ended.
 *
 * <h2>Lifecycle and misuse</h2>
 *
 * A group is <em>open</em> until {@code await} has waited for every task (it then has
 * <em>ended</em>) or {@code close} has run (<em>closed</em>). {@code go}, {@code tryGo} and {@code
 * setLimit} on a group that has ended or closed throw {@link IllegalStateException}; a {@code go}
 * that races the end of {@code await} from another thread is either waited for by that {@code
 * await} (or reported by it as skipped) or refused with that exception, never silently dropped.
 * Tasks may call {@code go} on their own group while another thread waits in {@code await}.
 *
 * <p>An {@code await} that throws {@link InterruptedException} does not end the group: the group
 * is cancelled, so {@code go} skips its task and {@code tryGo} returns {@code false}, and {@code
 * await} may be called again, which waits for the tasks and reports how they ended (as a blocking
 * call may be retried after an interrupt). Once an {@code await} has reported, a further {@code
 * await} throws {@link IllegalStateException}, and so do {@code await} while another thread is in
 * it and {@code await} or {@code close} from a task of the same group (they would wait for
 * themselves). {@code close} from another thread while a thread is in {@code await} cancels the
 * group and waits; {@code await} still reports the outcome (work cut short by the close is
 * reported as {@link ContextCancelledException}), and {@code close} throws only what no {@code
 * await} reported. Null tasks throw {@link NullPointerException}. {@code setLimit} belongs before
 * the first {@code go}: with tasks in flight it throws {@link IllegalStateException}.
 */
public final class TaskGroup implements AutoCloseable {

  // The group's lifecycle (guarded by `life`, read without it for fast misuse checks).
  /** Accepting tasks. */
  private static final int OPEN = 0;
  /** An await waited for every task and reported: nothing more is accepted. */
  private static final int ENDED = 1;
  /** close() ran: no task is running and none will start. */
  private static final int CLOSED = 2;

  private final CancellableContext ctx;
  private final Scheduler scheduler;
  private final boolean collectAll;
  private final Object life = new Object(); // lifecycle lock; also the condition close waits on

  private volatile int phase = OPEN; // written under `life`
  private boolean awaiting; // a thread is in await; guarded by life
  private boolean reported; // an await or close has reported the outcome; guarded by life

  private final List<Failure> failures = new ArrayList<>(); // guarded by itself
  /** A task ended with cancellation fallout: its work was cut short. */
  private volatile boolean cutShort;

  private TaskGroup(Context parent, Builder b) {
    this.ctx = Objects.requireNonNull(parent, "parent").withCancel();
    this.collectAll = b.collectAll;
    this.scheduler =
        new Scheduler(ctx, new Recorder(), b.spawner(), b.executor == null, b.limit);
    ctx.onCancel(scheduler::cancelled);
  }

  /**
   * Returns a new group whose context derives from {@code parent}, with no limit, failing fast,
   * on the default threads. Close it: use try-with-resources.
   *
   * @throws NullPointerException if {@code parent} is null
   */
  @MustBeClosed
  public static TaskGroup withContext(Context parent) {
    return new TaskGroup(parent, new Builder());
  }

  /** Returns a builder for a group with a limit, collect-all mode, or its own threads. */
  public static Builder builder() {
    return new Builder();
  }

  /**
   * Maps {@code items} through {@code fn}, at most {@code limit} at a time, and returns the results
   * in input order. The first failure cancels the remaining items and is thrown as by {@link
   * #await()}.
   *
   * @throws TaskFailedException if an item failed (its exception is the cause)
   * @throws ContextCancelledException if {@code parent} was cancelled before all items were done
   * @throws InterruptedException if the calling thread was interrupted while waiting
   * @throws IllegalArgumentException if {@code limit < 1}
   */
  public static <T, R> List<R> map(
      Context parent, int limit, List<? extends T> items, ContextFunction<? super T, ? extends R> fn)
      throws InterruptedException {
    Objects.requireNonNull(items, "items");
    Objects.requireNonNull(fn, "fn");
    Object[] results = new Object[items.size()];
    try (TaskGroup g = builder().limit(limit).open(parent)) {
      int i = 0;
      for (T item : items) {
        int slot = i++;
        g.go(c -> results[slot] = fn.apply(c, item));
      }
      g.await();
    }
    @SuppressWarnings("unchecked")
    List<R> list = (List<R>) Collections.unmodifiableList(Arrays.asList(results));
    return list;
  }

  /**
   * Sets how many tasks may be accepted and unfinished at once. By default there is no limit; a
   * limit of 2<sup>30</sup> or more also means none.
   *
   * @throws IllegalArgumentException if {@code n < 1}
   * @throws IllegalStateException if tasks are running, or the group has ended or closed
   */
  public void setLimit(int n) {
    if (n < 1) {
      throw new IllegalArgumentException("limit must be at least 1, was " + n);
    }
    checkOpen("setLimit");
    if (!scheduler.setLimit(n)) {
      throw new IllegalStateException(
          "setLimit called while "
              + scheduler.inFlight()
              + " tasks are running; set the limit before the first go");
    }
  }

  /**
   * Returns the group's derived context, the one every task receives. It is cancelled by the first
   * failure, by the parent's cancellation, and when the group ends.
   */
  public Context context() {
    return ctx;
  }

  /**
   * Starts {@code task}, blocking while the limit is reached. If the group's context is (or
   * becomes, while waiting) cancelled, the task is skipped: it never runs, and {@link #await()}
   * reports the cancellation. If the calling thread is interrupted while waiting, the group is
   * cancelled, the task is skipped and the interrupt flag stays set.
   *
   * @throws NullPointerException if {@code task} is null
   * @throws IllegalStateException if the group has ended or closed, including when this call
   *     raced the end of {@code await} and lost: the task was not taken
   */
  public void go(Task task) {
    Objects.requireNonNull(task, "task");
    checkOpen("go");
    if (ctx.isCancelled()) {
      skip("go");
      return;
    }
    Scheduler.Admission a = scheduler.tryAdmit();
    if (a == Scheduler.Admission.FULL) {
      if (scheduler.runsTaskHere()) {
        // A task of this group, at the limit: run the new task here rather than wait for a slot
        // that the waiting tasks themselves may hold.
        scheduler.runInline(task);
        return;
      }
      a = scheduler.admit();
    }
    switch (a) {
      case ADMITTED:
        scheduler.start(task);
        return;
      case CANCELLED:
        skip("go");
        return;
      case INTERRUPTED:
        ctx.cancel(new InterruptedException("interrupted in go, waiting for a slot"));
        skip("go");
        return;
      default:
        throw ended("go");
    }
  }

  /**
   * Starts {@code task} only if the limit allows it now, without blocking. Returns whether the task
   * was started; {@code false} also if the group's context is cancelled.
   *
   * @throws NullPointerException if {@code task} is null
   * @throws IllegalStateException if the group has ended or closed
   */
  public boolean tryGo(Task task) {
    Objects.requireNonNull(task, "task");
    checkOpen("tryGo");
    if (ctx.isCancelled()) {
      return false;
    }
    switch (scheduler.tryAdmit()) {
      case ADMITTED:
        scheduler.start(task);
        return true;
      case FULL:
        return false;
      default:
        throw ended("tryGo");
    }
  }

  /**
   * Waits for every accepted task to finish, then ends the group: its context is cancelled and no
   * further task may be added. Returns normally if every task succeeded.
   *
   * @throws TaskFailedException if a task threw an exception: the first failure is the cause, the
   *     other genuine failures are suppressed
   * @throws Error the first {@link Error} a task threw, unwrapped, with the other failures
   *     suppressed
   * @throws ContextCancelledException if no task failed but the group was cancelled from outside
   *     (its parent, a deadline, a {@code close} from another thread) before all work was done;
   *     the cause is the context's cause
   * @throws InterruptedException if this thread was interrupted before or while waiting; the
   *     group is then cancelled but has not ended: {@code await} may be called again, and {@link
   *     #close()} waits for its tasks
   * @throws IllegalStateException if called from a task of this group, after an {@code await}
   *     reported or after close, or while another thread is in await
   */
  public void await() throws InterruptedException {
    if (scheduler.runsTaskHere()) {
      throw new IllegalStateException("await called from a task of the same group");
    }
    synchronized (life) {
      if (phase != OPEN) {
        throw ended("await");
      }
      if (awaiting) {
        throw new IllegalStateException("await called while another thread is in await on " + this);
      }
      awaiting = true;
    }
    boolean sealed = false;
    boolean claim = false;
    try {
      if (Thread.interrupted()) {
        throw new InterruptedException("interrupted before await");
      }
      scheduler.awaitAndSeal();
      sealed = true;
    } catch (InterruptedException e) {
      ctx.cancel(e);
      throw e;
    } finally {
      synchronized (life) {
        awaiting = false;
        if (sealed) {
          if (phase == OPEN) {
            phase = ENDED;
          }
          claim = !reported;
          reported = true;
        }
        life.notifyAll(); // a close may be waiting for us to report first
      }
    }
    ctx.cancel(Contexts.cancelled("task group finished"));
    if (claim) {
      throwOutcome(true);
    }
  }

  /**
   * Ends the group: cancels its context if {@link #await()} has not returned, waits (without
   * being interruptible) for every task to finish and for every worker thread of the group to
   * end, and releases the context from its parent. Idempotent.
   *
   * <p>If no {@code await} reported the outcome and a task failed, the failure is thrown here, so
   * it is not lost (in try-with-resources it is suppressed into the exception that ended the
   * block). If another thread is in {@code await}, {@code close} lets it report first.
   *
   * @throws TaskFailedException as {@link #await()} does, for failures no {@code await} reported
   * @throws Error the first {@link Error} a task threw, if no {@code await} reported it
   * @throws IllegalStateException if called from a task of this group
   */
  @Override
  public void close() {
    if (scheduler.runsTaskHere()) {
      throw new IllegalStateException("close called from a task of the same group");
    }
    if (phase == CLOSED) {
      return;
    }
    ctx.cancel(Contexts.cancelled("task group closed"));
    scheduler.sealWhenQuiet();
    boolean claim;
    boolean interrupted = false;
    synchronized (life) {
      while (awaiting) {
        try {
          life.wait();
        } catch (InterruptedException e) {
          interrupted = true;
        }
      }
      if (phase == CLOSED) {
        claim = false; // another close got here first
      } else {
        phase = CLOSED;
        claim = !reported;
        reported = true;
      }
    }
    if (interrupted) {
      Thread.currentThread().interrupt();
    }
    if (claim) {
      throwOutcome(false);
    }
  }

  @Override
  public String toString() {
    int p = phase;
    return "TaskGroup["
        + scheduler
        + ", "
        + (p == OPEN ? "open" : p == ENDED ? "ended" : "closed")
        + ", context="
        + ctx
        + "]";
  }

  /** Worker threads that have not finished; for tests. */
  int aliveWorkers() {
    return scheduler.aliveWorkers();
  }

  /** Tasks accepted and not finished; for tests. */
  int tasksInFlight() {
    return scheduler.inFlight();
  }

  // ---------------------------------------------------------------------------------------------
  // Lifecycle

  private void checkOpen(String what) {
    if (phase != OPEN) {
      throw ended(what);
    }
  }

  private IllegalStateException ended(String what) {
    int p = phase;
    String when =
        p == CLOSED ? "after close" : p == ENDED ? "after await" : "as await ended the group";
    return new IllegalStateException(what + " called " + when + " on " + this);
  }

  /** Skips a task because the context is cancelled; refuses it if the group has ended. */
  private void skip(String what) {
    if (!scheduler.skip()) {
      throw ended(what);
    }
  }

  // ---------------------------------------------------------------------------------------------
  // Failures

  /** Hears from the scheduler. */
  private final class Recorder implements Scheduler.Group {
    @Override
    public void failed(long seq, Throwable failure) {
      Throwable cause = ctx.cause();
      if (cause == null) {
        add(seq, failure);
        if (!collectAll) {
          ctx.cancel(failure);
        }
        return;
      }
      // Cancelled: fallout of the cancellation is not a failure, but what it carries may be.
      List<Throwable> genuine = genuine(failure, cause);
      if (genuine.size() != 1 || genuine.get(0) != failure) {
        cutShort = true;
      }
      for (Throwable g : genuine) {
        add(seq, g);
      }
    }

    @Override
    public void cannotRun(Throwable why) {
      add(-1, why);
      ctx.cancel(why);
    }
  }

  private void add(long seq, Throwable t) {
    synchronized (failures) {
      failures.add(new Failure(seq, t));
    }
  }

  /** How deep a cause chain is followed; a chain is rarely longer than a handful. */
  private static final int MAX_CHAIN = 32;

  /**
   * The genuine failures in {@code t}, thrown by a task after its group was cancelled with {@code
   * cause}: {@code [t]} if it is a failure of its own; nothing if it is only fallout of the
   * cancellation; otherwise the genuine failures attached (suppressed) anywhere inside the fallout,
   * in the order they were attached.
   */
  static List<Throwable> genuine(Throwable t, Throwable cause) {
    if (!isFallout(t, cause)) {
      return List.of(t);
    }
    if (!carriesSuppressed(t, cause)) {
      return List.of(); // plain fallout, the common case: every cancelled task lands here
    }
    List<Throwable> found = new ArrayList<>(0);
    Set<Throwable> seen = Collections.newSetFromMap(new IdentityHashMap<>());
    ArrayDeque<Throwable> todo = new ArrayDeque<>();
    todo.push(t);
    while (!todo.isEmpty()) {
      Throwable x = todo.pop();
      if (!seen.add(x)) {
        continue;
      }
      if (x != t && !isFallout(x, cause)) {
        found.add(x);
        continue;
      }
      List<Throwable> attached = new ArrayList<>();
      int depth = 0;
      for (Throwable y = x; y != null && y != cause && depth < MAX_CHAIN; y = y.getCause()) {
        attached.addAll(Arrays.asList(y.getSuppressed()));
        depth++;
      }
      for (int i = attached.size() - 1; i >= 0; i--) {
        todo.push(attached.get(i));
      }
    }
    return found;
  }

  /** Whether anything is attached (suppressed) along {@code t}'s cause chain, up to {@code cause}. */
  private static boolean carriesSuppressed(Throwable t, Throwable cause) {
    int depth = 0;
    for (Throwable y = t; y != null && y != cause && depth < MAX_CHAIN; y = y.getCause()) {
      if (y.getSuppressed().length != 0) {
        return true;
      }
      depth++;
    }
    return false;
  }

  /**
   * Whether {@code t} is a consequence of the group's cancellation rather than a failure of its
   * own: the group's cause itself, or an interrupt or cancellation exception anywhere in its cause
   * chain. An {@link Error} is never fallout, unless it is the cause.
   */
  static boolean isFallout(Throwable t, Throwable cause) {
    if (t == cause) {
      return true;
    }
    if (t instanceof Error) {
      return false;
    }
    int depth = 0;
    for (Throwable x = t; x != null && depth < MAX_CHAIN; x = x.getCause(), depth++) {
      if (x == cause
          || x instanceof InterruptedException
          || x instanceof InterruptedIOException
          || x instanceof ClosedByInterruptException
          || x instanceof CancellationException) {
        return true;
      }
    }
    return false;
  }

  private void throwOutcome(boolean fromAwait) {
    List<Failure> all;
    synchronized (failures) {
      all = new ArrayList<>(failures);
    }
    if (all.isEmpty()) {
      if (fromAwait && (cutShort || scheduler.skipped())) {
        Throwable cause = ctx.cause();
        throw new ContextCancelledException(
            "task group cancelled before all its tasks completed: " + Contexts.describe(cause),
            cause);
      }
      return;
    }
    Throwable primary = null;
    for (Failure f : all) { // in the order they were recorded: the first Error in time
      if (f.error instanceof Error) {
        primary = f.error;
        break;
      }
    }
    if (primary == null) {
      primary = collectAll ? null : ctx.cause();
    }
    all.sort(Comparator.comparingLong(f -> f.order));
    Throwable first = primary;
    if (first == null || all.stream().noneMatch(f -> f.error == first)) {
      primary = all.get(0).error;
    }
    List<Throwable> ordered = new ArrayList<>(all.size());
    ordered.add(primary);
    for (Failure f : all) {
      if (f.error != primary) {
        ordered.add(f.error);
      }
    }
    if (primary instanceof Error) {
      for (int i = 1; i < ordered.size(); i++) {
        primary.addSuppressed(ordered.get(i));
      }
      throw (Error) primary;
    }
    throw new TaskFailedException(ordered);
  }

  /** A recorded failure and the submission number of the task that threw it. */
  private static final class Failure {
    final long order;
    final Throwable error;

    Failure(long order, Throwable error) {
      this.order = order;
      this.error = error;
    }
  }

  // ---------------------------------------------------------------------------------------------
  // Options

  /** Options for a group: limit, failure mode, threads. */
  public static final class Builder {
    private int limit = Scheduler.NO_LIMIT;
    private boolean collectAll;
    private ThreadFactory threadFactory;
    private Executor executor;

    private Builder() {}

    /**
     * Sets the limit, as {@link TaskGroup#setLimit} does.
     *
     * @throws IllegalArgumentException if {@code n < 1}
     */
    public Builder limit(int n) {
      if (n < 1) {
        throw new IllegalArgumentException("limit must be at least 1, was " + n);
      }
      this.limit = n;
      return this;
    }

    /**
     * Makes the group run every task to completion instead of failing fast: a failure does not
     * cancel the others, and {@link TaskGroup#await()} reports all failures at once, the first in
     * submission order as the cause and the rest suppressed in submission order (Go's {@code
     * errors.Join}). The parent's cancellation still cancels the group.
     */
    public Builder collectAllErrors() {
      this.collectAll = true;
      return this;
    }

    /** Runs workers on threads from {@code factory}. Replaces any executor set before. */
    public Builder threadFactory(ThreadFactory factory) {
      this.threadFactory = Objects.requireNonNull(factory, "factory");
      this.executor = null;
      return this;
    }

    /**
     * Runs workers on {@code executor}. Each worker occupies one of its threads while it runs
     * tasks, so an executor with fewer threads than the limit lowers the real concurrency. If the
     * executor rejects a worker, the group fails with the {@link RejectedExecutionException}.
     * Replaces any thread factory set before.
     */
    public Builder executor(Executor executor) {
      this.executor = Objects.requireNonNull(executor, "executor");
      this.threadFactory = null;
      return this;
    }

    /**
     * Opens a group with these options whose context derives from {@code parent}.
     *
     * @throws NullPointerException if {@code parent} is null
     */
    @MustBeClosed
    public TaskGroup open(Context parent) {
      return new TaskGroup(parent, this);
    }

    Scheduler.Spawner spawner() {
      if (executor != null) {
        Executor ex = executor;
        return ex::execute;
      }
      ThreadFactory tf = threadFactory != null ? threadFactory : Threads.DEFAULT;
      return r -> {
        Thread t = tf.newThread(r);
        if (t == null) {
          throw new RejectedExecutionException("thread factory " + tf + " returned null");
        }
        t.start();
      };
    }
  }
}
