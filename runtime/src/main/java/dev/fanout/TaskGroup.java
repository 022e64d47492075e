package dev.fanout;

import com.google.errorprone.annotations.MustBeClosed;
import java.io.InterruptedIOException;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.channels.ClosedByInterruptException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.Comparator;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.CancellationException;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.LockSupport;
import java.util.concurrent.locks.ReentrantLock;

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
 * deadlocks.
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
 * <h2>Misuse</h2>
 *
 * {@code go}, {@code tryGo} and {@code setLimit} after {@code await} or {@code close} throw {@link
 * IllegalStateException}, except that tasks may call {@code go} on their own group while another
 * thread waits in {@code await}. {@code await} and {@code close} from a task of the same group
 * throw {@link IllegalStateException} (they would wait for themselves), and so does a second
 * {@code await}. Null tasks throw {@link NullPointerException}. All methods may be called from any
 * thread; {@code setLimit} belongs before the first {@code go} (it is not atomic with a {@code go}
 * racing it from another thread), and a {@code go} from another thread racing {@code close} may
 * briefly start a worker that finds nothing to run.
 */
public final class TaskGroup implements AutoCloseable {

  private static final int OPEN = 0;
  private static final int ENDED = 1; // await returned: no more go
  private static final int CLOSED = 2;

  private static final int UNLIMITED = Integer.MAX_VALUE;

  /** How often an idle worker looks for more work before it parks. */
  private static final int LINGER_SPINS = 64;

  /** Idle workers spin only while at most this many workers search (themselves included). */
  private static final int MAX_LINGERING = 2;

  /**
   * At most this many idle virtual workers park; the others end at once. A new virtual thread
   * costs about what waking a parked one does, so a large idle crowd buys nothing and costs a
   * wake-up each when the group ends. (Platform threads are dear to start: all of them park.)
   */
  private static final int MAX_PARKED_VIRTUAL = 4;

  /** How long a parked idle worker waits for more work before its thread ends. */
  private static final long KEEP_ALIVE_NANOS = TimeUnit.SECONDS.toNanos(1);

  /** How often a submitter at the limit looks for a free slot before it parks. */
  private static final int ACQUIRE_SPINS = 64;

  private static final ThreadLocal<TaskGroup> CURRENT = new ThreadLocal<>();

  private static final VarHandle IN_FLIGHT;
  private static final VarHandle WORKERS;
  private static final VarHandle ALIVE;
  private static final VarHandle SEARCHING;
  private static final VarHandle PARKED;
  private static final VarHandle SEQ;

  static {
    try {
      MethodHandles.Lookup l = MethodHandles.lookup();
      IN_FLIGHT = l.findVarHandle(TaskGroup.class, "inFlight", int.class);
      WORKERS = l.findVarHandle(TaskGroup.class, "workers", int.class);
      ALIVE = l.findVarHandle(TaskGroup.class, "alive", int.class);
      SEARCHING = l.findVarHandle(TaskGroup.class, "searching", int.class);
      PARKED = l.findVarHandle(TaskGroup.class, "parked", int.class);
      SEQ = l.findVarHandle(TaskGroup.class, "seq", long.class);
    } catch (ReflectiveOperationException e) {
      throw new ExceptionInInitializerError(e);
    }
  }

  private final CancellableContext ctx;
  private final Spawner spawner;
  private final boolean parks; // idle workers park; not on a caller's executor (its threads are its own)
  private final boolean collectAll;
  private final ConcurrentLinkedQueue<Entry> queue = new ConcurrentLinkedQueue<>();
  private final Object runningLock = new Object();
  private Worker running; // doubly linked list of live workers, for interrupts; guarded by runningLock
  private final ConcurrentLinkedQueue<IdleTicket> idle = new ConcurrentLinkedQueue<>();
  private final ReentrantLock lock = new ReentrantLock();
  private final Condition changed = lock.newCondition();
  private final List<Failure> failures = new ArrayList<>(); // guarded by itself

  private volatile int limit;
  private volatile int inFlight; // accepted, not finished: queued + running
  private volatile int workers; // workers that will look at the queue again
  private volatile int alive; // worker threads that have not finished their run()
  private volatile int searching; // workers between tasks, looking at the queue (not parked)
  private volatile int parked; // workers in park(); a heuristic bound, not exact
  private volatile long seq; // submission order
  private volatile int waiters; // threads blocked on `changed`; written under lock
  private volatile int phase = OPEN;
  private volatile boolean incomplete; // work skipped or abandoned because of cancellation
  private boolean reported; // failures thrown by await or close; guarded by lock
  private boolean awaiting; // a thread is in await; guarded by lock

  private TaskGroup(Context parent, Builder b) {
    this.ctx = Objects.requireNonNull(parent, "parent").withCancel();
    this.limit = b.limit;
    this.collectAll = b.collectAll;
    this.spawner = b.spawner();
    this.parks = b.executor == null;
    ctx.onCancel(this::onCancelled);
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
   * Sets how many tasks may be accepted and unfinished at once. By default there is no limit.
   *
   * @throws IllegalArgumentException if {@code n < 1}
   * @throws IllegalStateException if tasks are running, or the group was awaited or closed
   */
  public void setLimit(int n) {
    if (n < 1) {
      throw new IllegalArgumentException("limit must be at least 1, was " + n);
    }
    checkOpen("setLimit");
    lock.lock();
    try {
      if (inFlight != 0) {
        throw new IllegalStateException(
            "setLimit called while " + inFlight + " tasks are running; set it before go");
      }
      limit = n;
    } finally {
      lock.unlock();
    }
    for (IdleTicket t : idle) {
      LockSupport.unpark(t.thread); // idle workers beyond the new limit leave
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
   * @throws IllegalStateException if the group was awaited or closed
   */
  public void go(Task task) {
    Objects.requireNonNull(task, "task");
    checkOpen("go");
    if (ctx.isCancelled()) {
      incomplete = true;
      return;
    }
    if (!tryAcquire()) {
      if (CURRENT.get() == this) {
        // A task of this group, at the limit: run the new task here rather than wait for a slot
        // that the waiting tasks themselves may hold.
        runInline(task, (long) SEQ.getAndAdd(this, 1L));
        return;
      }
      if (!acquire()) {
        incomplete = true;
        return;
      }
    }
    submit(task);
  }

  /**
   * Starts {@code task} only if the limit allows it now, without blocking. Returns whether the task
   * was started; {@code false} also if the group's context is cancelled.
   *
   * @throws NullPointerException if {@code task} is null
   * @throws IllegalStateException if the group was awaited or closed
   */
  public boolean tryGo(Task task) {
    Objects.requireNonNull(task, "task");
    checkOpen("tryGo");
    if (ctx.isCancelled() || !tryAcquire()) {
      return false;
    }
    submit(task);
    return true;
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
   *     (its parent, a deadline) before all work was done; the cause is the context's cause
   * @throws InterruptedException if this thread was interrupted before or while waiting; the
   *     group is then cancelled, and {@link #close()} waits for its tasks
   * @throws IllegalStateException if called from a task of this group, after await returned or
   *     close, or while another thread is in await
   */
  public void await() throws InterruptedException {
    if (CURRENT.get() == this) {
      throw new IllegalStateException("await called from a task of the same group");
    }
    lock.lock();
    try {
      if (phase != OPEN || awaiting) {
        throw new IllegalStateException(
            "await called twice, concurrently, or after close on " + this);
      }
      awaiting = true;
    } finally {
      lock.unlock();
    }
    try {
      if (Thread.interrupted()) {
        throw new InterruptedException("interrupted before await");
      }
      waitForTasks(true);
    } catch (InterruptedException e) {
      ctx.cancel(e);
      throw e;
    } finally {
      awaiting = false;
    }
    ctx.cancel(Contexts.cancelled("task group finished"));
    if (claimReport()) {
      throwOutcome(true);
    }
  }

  /** True exactly once: for the first of await and close to report the outcome. */
  private boolean claimReport() {
    lock.lock();
    try {
      boolean first = !reported;
      reported = true;
      return first;
    } finally {
      lock.unlock();
    }
  }

  /**
   * Ends the group: cancels its context if {@link #await()} has not returned, waits (without
   * being interruptible) for every task to finish and for every worker thread of the group to
   * end, and releases the context from its parent. Idempotent.
   *
   * <p>If {@code await} was never reached and a task failed, the failure is thrown here, so it is
   * not lost (in try-with-resources it is suppressed into the exception that ended the block).
   *
   * @throws TaskFailedException as {@link #await()} does, for failures {@code await} did not
   *     report
   * @throws Error the first {@link Error} a task threw, if {@code await} did not report it
   * @throws IllegalStateException if called from a task of this group
   */
  @Override
  public void close() {
    if (CURRENT.get() == this) {
      throw new IllegalStateException("close called from a task of the same group");
    }
    if (phase == CLOSED) {
      return;
    }
    ctx.cancel(Contexts.cancelled("task group closed before await"));
    boolean interrupted = false;
    for (; ; ) {
      try {
        waitForTasks(false);
        break;
      } catch (InterruptedException e) {
        interrupted = true;
      }
    }
    lock.lock();
    try {
      if (phase == CLOSED) {
        return;
      }
      phase = CLOSED;
    } finally {
      lock.unlock();
      if (interrupted) {
        Thread.currentThread().interrupt();
      }
    }
    if (claimReport()) {
      throwOutcome(false);
    }
  }

  @Override
  public String toString() {
    return "TaskGroup[limit="
        + (limit == UNLIMITED ? "none" : String.valueOf(limit))
        + ", inFlight="
        + inFlight
        + ", "
        + (phase == OPEN ? "open" : phase == ENDED ? "awaited" : "closed")
        + ", context="
        + ctx
        + "]";
  }

  /** Worker threads that have not finished; for tests. */
  int aliveWorkers() {
    return alive;
  }

  /** Tasks accepted and not finished; for tests. */
  int tasksInFlight() {
    return inFlight;
  }

  // ---------------------------------------------------------------------------------------------
  // Submission

  private void checkOpen(String what) {
    int p = phase;
    if (p != OPEN) {
      throw new IllegalStateException(
          what + " called after " + (p == ENDED ? "await" : "close") + " on " + this);
    }
  }

  private boolean tryAcquire() {
    for (; ; ) {
      int n = inFlight;
      if (n >= limit) {
        return false;
      }
      if (IN_FLIGHT.compareAndSet(this, n, n + 1)) {
        return true;
      }
    }
  }

  /** Blocks for a slot. False if the group was cancelled or this thread interrupted meanwhile. */
  private boolean acquire() {
    // Slots free up within microseconds when tasks are short; parking costs more than that. No
    // Thread.yield here: on a busy machine it gives the core away for a whole time slice.
    for (int spin = 0; spin < ACQUIRE_SPINS; spin++) {
      Thread.onSpinWait();
      if (tryAcquire()) {
        return true;
      }
      if (ctx.isCancelled()) {
        return false;
      }
    }
    InterruptedException interrupted = null;
    lock.lock();
    try {
      waiters++;
      try {
        while (!tryAcquire()) {
          if (ctx.isCancelled()) {
            return false;
          }
          changed.await();
        }
        return true;
      } finally {
        waiters--;
      }
    } catch (InterruptedException e) {
      interrupted = e;
      return false;
    } finally {
      lock.unlock();
      if (interrupted != null) {
        // Outside the lock: cancelling runs callbacks, which must not run under it.
        ctx.cancel(interrupted);
        Thread.currentThread().interrupt();
      }
    }
  }


  private void submit(Task task) {
    Entry e = new Entry(task, (long) SEQ.getAndAdd(this, 1L));
    if (phase != OPEN) {
      // Raced with the end of await: it no longer waits for us.
      release();
      checkOpen("go");
    }
    queue.offer(e);
    // A searching worker will take the entry, and passes the signal on if more are waiting.
    if (searching == 0) {
      signalWork();
    }
  }

  /** Gets a worker to the queue: wakes a parked one, or starts one if there are too few. */
  private void signalWork() {
    for (IdleTicket t; (t = idle.poll()) != null; ) {
      if (t.take()) { // a ticket its worker withdrew is skipped
        SEARCHING.getAndAdd(this, 1); // it searches from now on: later submitters need not wake another
        LockSupport.unpark(t.thread);
        return;
      }
    }
    int w = workers;
    if (w < inFlight && w < limit) {
      spawnWorker();
    }
  }

  /**
   * Called by a worker that just took an entry and stopped searching. A submitter that saw it
   * searching did not signal; if entries remain and nobody else searches, someone must. (The
   * submitter offers, then reads {@code searching}; the worker stops searching, then reads the
   * queue: one of them sees the other.)
   */
  private void foundWork() {
    if (searching == 0 && queue.peek() != null) {
      signalWork();
    }
  }

  private void spawnWorker() {
    for (; ; ) {
      int w = workers;
      if (w >= inFlight || w >= limit) {
        return;
      }
      if (WORKERS.compareAndSet(this, w, w + 1)) {
        break;
      }
    }
    ALIVE.getAndAdd(this, 1);
    SEARCHING.getAndAdd(this, 1); // searching from now on, even before its thread runs
    boolean[] started = {false};
    try {
      Thread submitter = Thread.currentThread();
      spawner.start(
          () -> {
            started[0] = true;
            work(submitter);
          });
    } catch (Throwable t) {
      if (!started[0]) { // else the worker ran (inline) and did its own accounting
        WORKERS.getAndAdd(this, -1);
        ALIVE.getAndAdd(this, -1);
        SEARCHING.getAndAdd(this, -1);
      }
      // Nothing can run the queued tasks if no thread can be had: fail the group.
      synchronized (failures) {
        failures.add(new Failure(-1, t));
      }
      ctx.cancel(t);
      for (Entry e; (e = queue.poll()) != null; ) {
        incomplete = true;
        release();
      }
      signal();
    }
  }

  // ---------------------------------------------------------------------------------------------
  // Workers

  /**
   * A worker's life: run queued tasks, linger, park, leave. {@code submitter} is the thread that
   * started it: when they are the same, an executor is running the worker inline (a direct
   * executor, or {@code CallerRunsPolicy}), and the worker must neither park the caller nor touch
   * the caller's interrupt flag beyond what it delivered itself.
   */
  private void work(Thread submitter) {
    TaskGroup outer = CURRENT.get();
    CURRENT.set(this);
    boolean inline = Thread.currentThread() == submitter;
    Worker me =
        new Worker(
            Thread.currentThread(),
            !inline ? Worker.OWN_THREAD : outer == this ? Worker.NESTED : Worker.CALLER_THREAD);
    addRunning(me);
    boolean searching = true; // counted as searching by whoever started us
    try {
      for (; ; ) {
        // Searching: a submitter that sees a searching worker leaves the entry to it.
        Entry e = queue.poll();
        if (e == null && !inline && this.searching <= MAX_LINGERING) {
          e = linger(); // a few spinning workers catch the next task; more would only contend
        }
        SEARCHING.getAndAdd(this, -1);
        searching = false;
        if (e == null && !inline && parks && (!me.virtual || parked < MAX_PARKED_VIRTUAL)) {
          e = park(me); // looks at the queue again, after the decrement: nothing is missed
        }
        if (e != null) {
          foundWork();
          run(me, e);
          SEARCHING.getAndAdd(this, 1);
          searching = true;
          continue;
        }
        WORKERS.getAndAdd(this, -1);
        // A submitter that offered before our decrement may have seen us and not spawned.
        if (queue.peek() == null || !rejoin()) {
          break;
        }
        SEARCHING.getAndAdd(this, 1);
        searching = true;
      }
    } finally {
      if (searching) {
        SEARCHING.getAndAdd(this, -1); // leaving abruptly: submitters must not count on us
      }
      removeRunning(me);
      if (outer == null) {
        CURRENT.remove();
      } else {
        CURRENT.set(outer);
      }
      if ((int) ALIVE.getAndAdd(this, -1) == 1 && waiters > 0) {
        signal();
      }
    }
  }

  /** Spins for a moment looking for work: cheaper than parking when the next task is near. */
  private Entry linger() {
    for (int i = 0; i < LINGER_SPINS && !ctx.isCancelled(); i++) {
      if ((i & 15) == 15) {
        Thread.yield();
      } else {
        Thread.onSpinWait();
      }
      Entry e = queue.poll();
      if (e != null) {
        return e;
      }
    }
    return null;
  }

  /**
   * Parks until a submitter hands this worker work, the group is cancelled, the keep-alive passes,
   * or the limit was lowered below the number of workers. Returns an entry to run, or null to
   * leave. The ticket protocol: the worker offers a ticket and then looks at the queue; a
   * submitter offers its entry and then takes a ticket. Each side writes before it reads, so at
   * least one sees the other and no entry is stranded.
   */
  private Entry park(Worker me) {
    PARKED.getAndAdd(this, 1);
    try {
      return parkCounted(me);
    } finally {
      PARKED.getAndAdd(this, -1);
    }
  }

  private Entry parkCounted(Worker me) {
    IdleTicket ticket = new IdleTicket(me.thread);
    idle.offer(ticket);
    // A platform thread waits at most the keep-alive, then ends. A parked virtual thread costs
    // only its small stack, while a timed park costs a timer on every wait: it waits untimed,
    // until work comes, the limit is lowered below the workers, or the group ends.
    boolean timed = !me.virtual;
    long deadline = System.nanoTime() + KEEP_ALIVE_NANOS;
    for (; ; ) {
      Entry e = queue.poll();
      if (e != null) {
        if (ticket.withdraw()) {
          idle.remove(ticket); // no stale tickets pile up
        } else {
          SEARCHING.getAndAdd(this, -1); // the submitter that took our ticket counted us
        }
        return e;
      }
      if (ticket.taken()) {
        // Our submitter's entry went to another worker: park again with a fresh ticket.
        SEARCHING.getAndAdd(this, -1);
        ticket = new IdleTicket(me.thread);
        idle.offer(ticket);
        deadline = System.nanoTime() + KEEP_ALIVE_NANOS;
        continue;
      }
      long left = timed ? deadline - System.nanoTime() : Long.MAX_VALUE;
      if (left <= 0 || ctx.isCancelled() || workers > limit) {
        if (ticket.withdraw()) {
          idle.remove(ticket);
          return null;
        }
        continue; // a submitter took the ticket just now: look at the queue once more
      }
      if (timed) {
        LockSupport.parkNanos(this, left);
      } else {
        LockSupport.park(this);
      }
    }
  }


  private boolean rejoin() {
    for (; ; ) {
      int w = workers;
      if (w >= limit) {
        return false;
      }
      if (WORKERS.compareAndSet(this, w, w + 1)) {
        return true;
      }
    }
  }

  private void run(Worker me, Entry e) {
    me.start();
    Throwable failure = null;
    boolean skipped = ctx.isCancelled(); // after start(): a cancel now either sees us or we see it
    if (!skipped) {
      try {
        e.task.run(ctx);
      } catch (Throwable t) {
        failure = t;
      }
    }
    me.finish();
    try {
      if (failure != null) {
        fail(e.seq, failure);
      } else if (skipped) {
        incomplete = true;
      }
    } finally {
      release(); // even if recording the failure threw: await must not wait for this entry
    }
  }

  private void runInline(Task task, long order) {
    if (ctx.isCancelled()) {
      incomplete = true;
      return;
    }
    try {
      task.run(ctx);
    } catch (Throwable t) {
      fail(order, t);
    }
  }

  private void fail(long order, Throwable t) {
    if (!(t instanceof Error) && ctx.isCancelled() && isFallout(t, ctx.cause())) {
      incomplete = true;
      return;
    }
    synchronized (failures) {
      failures.add(new Failure(order, t));
    }
    if (!collectAll) {
      ctx.cancel(t);
    }
  }

  /** Whether {@code t} looks like a consequence of the group's cancellation rather than a bug. */
  static boolean isFallout(Throwable t, Throwable cause) {
    int depth = 0;
    for (Throwable x = t; x != null && depth < 16; x = x.getCause(), depth++) {
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

  private void release() {
    int n = (int) IN_FLIGHT.getAndAdd(this, -1) - 1;
    if (waiters > 0 && (n == 0 || n == limit - 1)) {
      signal();
    }
  }

  private void signal() {
    lock.lock();
    try {
      changed.signalAll();
    } finally {
      lock.unlock();
    }
  }

  private void addRunning(Worker w) {
    synchronized (runningLock) {
      w.next = running;
      if (running != null) {
        running.prev = w;
      }
      running = w;
    }
  }

  private void removeRunning(Worker w) {
    synchronized (runningLock) {
      if (w.prev != null) {
        w.prev.next = w.next;
      } else {
        running = w.next;
      }
      if (w.next != null) {
        w.next.prev = w.prev;
      }
      w.prev = w.next = null;
    }
  }

  private void onCancelled() {
    // Interrupt outside the lock: workers that wake up leave, and take the lock to do so.
    List<Worker> live = new ArrayList<>();
    synchronized (runningLock) {
      for (Worker w = running; w != null; w = w.next) {
        live.add(w);
      }
    }
    for (Worker w : live) {
      w.interruptIfRunning();
    }
    // Drain the idle queue as we wake its workers: each then leaves without searching it.
    for (IdleTicket t; (t = idle.poll()) != null; ) {
      LockSupport.unpark(t.thread); // parked workers see the cancellation and leave
    }
    if (waiters > 0) {
      signal();
    }
  }

  // ---------------------------------------------------------------------------------------------
  // Ending

  /** Waits until no task is in flight and, when closing, no worker thread is left. */
  private void waitForTasks(boolean interruptible) throws InterruptedException {
    lock.lock();
    try {
      waiters++;
      try {
        for (; ; ) {
          while (inFlight != 0 || (!interruptible && alive != 0)) {
            if (interruptible) {
              changed.await();
            } else {
              changed.awaitUninterruptibly();
            }
          }
          if (interruptible && phase == OPEN) {
            phase = ENDED;
            if (inFlight != 0) {
              continue; // a go raced with us and got in; wait for it too
            }
          }
          return;
        }
      } finally {
        waiters--;
      }
    } finally {
      lock.unlock();
    }
  }

  private void throwOutcome(boolean fromAwait) {
    List<Failure> all;
    synchronized (failures) {
      all = new ArrayList<>(failures);
    }
    if (all.isEmpty()) {
      if (fromAwait && incomplete) {
        Throwable cause = ctx.cause();
        throw new ContextCancelledException(
            "task group cancelled before all tasks completed: " + cause, cause);
      }
      return;
    }
    Throwable primary = null;
    for (Failure f : all) {
      if (f.error instanceof Error) {
        primary = f.error;
        break;
      }
    }
    if (primary == null) {
      primary = collectAll ? null : ctx.cause();
    }
    List<Throwable> ordered = new ArrayList<>(all.size());
    all.sort(Comparator.comparingLong(f -> f.order));
    Throwable first = primary;
    if (first == null || all.stream().noneMatch(f -> f.error == first)) {
      primary = all.get(0).error;
    }
    ordered.add(primary);
    for (Failure f : all) {
      if (f.error != primary) {
        ordered.add(f.error);
      }
    }
    if (primary instanceof Error) {
      for (int i = 1; i < ordered.size(); i++) {
        if (ordered.get(i) != primary) {
          primary.addSuppressed(ordered.get(i));
        }
      }
      throw (Error) primary;
    }
    throw new TaskFailedException(ordered);
  }

  // ---------------------------------------------------------------------------------------------
  // Parts

  private static final class Entry {
    final Task task;
    final long seq;

    Entry(Task task, long seq) {
      this.task = task;
      this.seq = seq;
    }
  }

  /** A parked worker's offer to take work; taken by one submitter or withdrawn by the worker. */
  private static final class IdleTicket {
    private static final VarHandle STATE;

    static {
      try {
        STATE = MethodHandles.lookup().findVarHandle(IdleTicket.class, "state", int.class);
      } catch (ReflectiveOperationException e) {
        throw new ExceptionInInitializerError(e);
      }
    }

    final Thread thread;
    private volatile int state; // 0 waiting, 1 taken, 2 withdrawn

    IdleTicket(Thread thread) {
      this.thread = thread;
    }

    boolean take() {
      return STATE.compareAndSet(this, 0, 1);
    }

    boolean withdraw() {
      return STATE.compareAndSet(this, 0, 2);
    }

    boolean taken() {
      return state == 1;
    }
  }

  private static final class Failure {
    final long order;
    final Throwable error;

    Failure(long order, Throwable error) {
      this.order = order;
      this.error = error;
    }
  }

  /**
   * A worker thread, as cancellation sees it. The state machine makes sure an interrupt meant for
   * one task never leaks into the thread's next task or back to a caller's executor.
   */
  private static final class Worker {
    private static final int IDLE = 0;
    private static final int RUNNING = 1;
    private static final int INTERRUPTING = 2;
    private static final VarHandle STATE;

    static {
      try {
        STATE = MethodHandles.lookup().findVarHandle(Worker.class, "state", int.class);
      } catch (ReflectiveOperationException e) {
        throw new ExceptionInInitializerError(e);
      }
    }

    /** A thread of the group's own, or an executor's: the task's interrupt ends with it. */
    static final int OWN_THREAD = 0;
    /** The submitting thread, running the worker inline: clear only what the group delivered. */
    static final int CALLER_THREAD = 1;
    /** Inline inside a task of the same group: that task's interrupt is ours too; never clear. */
    static final int NESTED = 2;

    final Thread thread;
    final boolean virtual;
    private final int mode;
    private volatile int state;
    Worker prev; // guarded by the group's runningLock
    Worker next;

    Worker(Thread thread, int mode) {
      this.thread = thread;
      this.virtual = Threads.isVirtual(thread);
      this.mode = mode;
    }

    void start() {
      state = RUNNING;
    }

    /**
     * Ends a task. On a thread the group owns (its own, or a pool's), clears the interrupt flag:
     * the task is over, and an interrupt meant for it, or one it restored before returning, must
     * not reach the next task. On a caller's thread, clears only an interrupt the group delivered.
     */
    void finish() {
      boolean delivered = !STATE.compareAndSet(this, RUNNING, IDLE);
      if (delivered) {
        while (state == INTERRUPTING) {
          Thread.onSpinWait();
        }
      }
      boolean clear = mode == OWN_THREAD || (mode == CALLER_THREAD && delivered);
      if (clear && thread.isInterrupted()) {
        Thread.interrupted();
      } else if (mode == NESTED && delivered) {
        // The enclosing task belongs to the same cancelled group: if the nested task consumed
        // the interrupt (a caught InterruptedException), the enclosing task must still get it.
        thread.interrupt();
      }
      state = IDLE;
    }

    void interruptIfRunning() {
      if (STATE.compareAndSet(this, RUNNING, INTERRUPTING)) {
        try {
          thread.interrupt();
        } finally {
          state = IDLE + 3; // interrupted; finish() resets it
        }
      }
    }
  }

  /** How worker threads are started. */
  @FunctionalInterface
  private interface Spawner {
    void start(Runnable worker);
  }

  /** Options for a group: limit, failure mode, threads. */
  public static final class Builder {
    private int limit = UNLIMITED;
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

    Spawner spawner() {
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
