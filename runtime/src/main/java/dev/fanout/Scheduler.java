package dev.fanout;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.LockSupport;
import java.util.concurrent.locks.ReentrantLock;

/**
 * The machinery under a {@link TaskGroup}: admission against the limit, the queue, the workers
 * that run it, parking and waking them, and delivering the group's interrupt to running tasks.
 * {@code TaskGroup} keeps the API, the group's lifecycle and the failure bookkeeping; it tells
 * this class what to run and hears back through {@link Group}.
 *
 * <h2>Admission</h2>
 *
 * One word holds everything that must change atomically together: how many tasks are admitted and
 * unfinished (in flight), the limit, whether work was {@linkplain #SKIPPED skipped} because of
 * cancellation, and whether the scheduler is {@linkplain #SEALED sealed}. Sealing happens only
 * when nothing is in flight, and after it nothing is admitted or marked skipped: so a {@code go}
 * either lands before the end of {@code await} (and is waited for, or reported as skipped) or is
 * refused; it can never fall between the two.
 *
 * <h2>Workers</h2>
 *
 * A worker runs queued tasks one after another. It counts as <em>searching</em> from the moment it
 * is started or woken, and between tasks until it finds one or parks; a submitter starts or wakes
 * a worker only when none is searching. An idle worker spins briefly, then parks behind an {@link
 * IdleTicket}, and leaves when the group is cancelled, its keep-alive passes, or the limit is
 * lowered below the number of workers.
 *
 * <h2>Interrupts</h2>
 *
 * Each worker has a {@link Worker} state machine, so that the group's interrupt reaches the task
 * that was running when the group was cancelled, and never the next task on that thread nor the
 * code that ran the worker. A task that runs inline on another task's thread (a self-fork at the
 * limit, or a worker run by a direct executor) never consumes an interrupt that the enclosing task
 * was delivered.
 */
final class Scheduler {

  /** What the scheduler reports to its group. */
  interface Group {
    /** A task threw {@code failure}; {@code seq} is its submission number. */
    void failed(long seq, Throwable failure);

    /** No worker thread could be had: queued work will not run. The group must fail. */
    void cannotRun(Throwable why);
  }

  /** The answer to a request for a slot. */
  enum Admission {
    /** A slot is the caller's: call {@link #start}. */
    ADMITTED,
    /** The limit is reached (only from {@link #tryAdmit}). */
    FULL,
    /** The scheduler is sealed: nothing is admitted any more. */
    SEALED,
    /** The context was cancelled while waiting for a slot (only from {@link #admit}). */
    CANCELLED,
    /** The waiting thread was interrupted (only from {@link #admit}); its flag is still set. */
    INTERRUPTED
  }

  /** Starts worker threads. */
  @FunctionalInterface
  interface Spawner {
    void start(Runnable worker);
  }

  // The admission word: in flight (bits 0-30), limit (bits 31-60), SKIPPED, SEALED.
  private static final long IN_FLIGHT_MASK = (1L << 31) - 1;
  private static final int LIMIT_SHIFT = 31;
  private static final long LIMIT_MASK = (1L << 30) - 1;
  /** Work was skipped or abandoned because the context was cancelled. */
  private static final long SKIPPED = 1L << 61;
  /** Nothing more is admitted, and SKIPPED no longer changes. */
  private static final long SEALED = 1L << 62;

  /** The largest limit; any larger one, and "no limit", mean this. */
  static final int NO_LIMIT = (int) LIMIT_MASK;

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

  /** How long a parked idle platform worker waits for more work before its thread ends. */
  private static final long KEEP_ALIVE_NANOS = TimeUnit.SECONDS.toNanos(1);

  /** How often a submitter at the limit looks for a free slot before it parks. */
  private static final int ADMIT_SPINS = 64;

  /** The innermost worker running on this thread, if any; each worker links to the one outside. */
  private static final ThreadLocal<Worker> CURRENT = new ThreadLocal<>();

  private static final VarHandle ADMISSION;
  private static final VarHandle WORKERS;
  private static final VarHandle ALIVE;
  private static final VarHandle SEARCHING;
  private static final VarHandle PARKED;
  private static final VarHandle SEQ;

  static {
    try {
      MethodHandles.Lookup l = MethodHandles.lookup();
      ADMISSION = l.findVarHandle(Scheduler.class, "admission", long.class);
      WORKERS = l.findVarHandle(Scheduler.class, "workers", int.class);
      ALIVE = l.findVarHandle(Scheduler.class, "alive", int.class);
      SEARCHING = l.findVarHandle(Scheduler.class, "searching", int.class);
      PARKED = l.findVarHandle(Scheduler.class, "parked", int.class);
      SEQ = l.findVarHandle(Scheduler.class, "seq", long.class);
    } catch (ReflectiveOperationException e) {
      throw new ExceptionInInitializerError(e);
    }
  }

  private final Context ctx;
  private final Group group;
  private final Spawner spawner;
  private final boolean parks; // idle workers park; not on a caller's executor (its threads are its own)
  private final ConcurrentLinkedQueue<Entry> queue = new ConcurrentLinkedQueue<>();
  private final ConcurrentLinkedQueue<IdleTicket> idle = new ConcurrentLinkedQueue<>();
  private final Object runningLock = new Object();
  private Worker running; // doubly linked list of live workers, for interrupts; guarded by runningLock
  private final ReentrantLock lock = new ReentrantLock();
  private final Condition changed = lock.newCondition();

  private volatile long admission;
  private volatile int workers; // workers that will look at the queue again
  private volatile int alive; // worker threads that have not finished their run()
  private volatile int searching; // workers between tasks, looking at the queue (not parked)
  private volatile int parked; // workers in park(); a heuristic bound, not exact
  private volatile long seq; // submission order
  private volatile int waiters; // threads blocked on `changed`; written under lock

  Scheduler(Context ctx, Group group, Spawner spawner, boolean parks, int limit) {
    this.ctx = ctx;
    this.group = group;
    this.spawner = spawner;
    this.parks = parks;
    this.admission = (long) Math.min(limit, NO_LIMIT) << LIMIT_SHIFT;
  }

  private static int inFlight(long word) {
    return (int) (word & IN_FLIGHT_MASK);
  }

  private static int limit(long word) {
    return (int) ((word >>> LIMIT_SHIFT) & LIMIT_MASK);
  }

  // ---------------------------------------------------------------------------------------------
  // Admission

  /** Takes a slot if one is free now. */
  Admission tryAdmit() {
    for (; ; ) {
      long w = admission;
      if ((w & SEALED) != 0) {
        return Admission.SEALED;
      }
      if (inFlight(w) >= limit(w)) {
        return Admission.FULL;
      }
      if (ADMISSION.compareAndSet(this, w, w + 1)) {
        return Admission.ADMITTED;
      }
    }
  }

  /** Waits for a slot, unless the context is cancelled, the thread interrupted, or sealed. */
  Admission admit() {
    // Slots free up within microseconds when tasks are short; parking costs more than that. No
    // Thread.yield here: on a busy machine it gives the core away for a whole time slice.
    for (int spin = 0; spin < ADMIT_SPINS; spin++) {
      Thread.onSpinWait();
      if (ctx.isCancelled()) {
        return Admission.CANCELLED;
      }
      Admission a = tryAdmit();
      if (a != Admission.FULL) {
        return a;
      }
    }
    lock.lock();
    try {
      waiters++;
      try {
        for (; ; ) {
          if (ctx.isCancelled()) {
            return Admission.CANCELLED;
          }
          Admission a = tryAdmit();
          if (a != Admission.FULL) {
            return a;
          }
          changed.await();
        }
      } finally {
        waiters--;
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return Admission.INTERRUPTED;
    } finally {
      lock.unlock();
    }
  }

  /**
   * Records that a task was skipped because the context is cancelled. Returns false, and records
   * nothing, if the scheduler is sealed: the caller must then refuse the task.
   */
  boolean skip() {
    for (; ; ) {
      long w = admission;
      if ((w & SEALED) != 0) {
        return false;
      }
      if ((w & SKIPPED) != 0 || ADMISSION.compareAndSet(this, w, w | SKIPPED)) {
        return true;
      }
    }
  }

  /** Whether work was skipped or abandoned because of cancellation. */
  boolean skipped() {
    return (admission & SKIPPED) != 0;
  }

  /** Sets the limit, unless tasks are in flight; returns whether it did. */
  boolean setLimit(int n) {
    long bits = (long) Math.min(n, NO_LIMIT) << LIMIT_SHIFT;
    for (; ; ) {
      long w = admission;
      if (inFlight(w) != 0) {
        return false;
      }
      long next = (w & ~(LIMIT_MASK << LIMIT_SHIFT)) | bits;
      if (ADMISSION.compareAndSet(this, w, next)) {
        break;
      }
    }
    for (IdleTicket t : idle) {
      LockSupport.unpark(t.thread); // idle workers beyond the new limit leave
    }
    return true;
  }

  /** Queues {@code task}, which holds a slot from {@link #tryAdmit} or {@link #admit}. */
  void start(Task task) {
    queue.offer(new Entry(task, (long) SEQ.getAndAdd(this, 1L)));
    // A searching worker will take the entry, and passes the signal on if more are waiting.
    if (searching == 0) {
      signalWork();
    }
  }

  /** Whether the current thread is running a task of this scheduler (perhaps inline, nested). */
  boolean runsTaskHere() {
    for (Worker w = CURRENT.get(); w != null; w = w.outer) {
      if (w.owner == this) {
        return true;
      }
    }
    return false;
  }

  /**
   * Runs {@code task} on the current thread, which runs a task of this scheduler: a fork at the
   * limit from inside a task, which must not wait for a slot its own task may hold.
   */
  void runInline(Task task) {
    long order = (long) SEQ.getAndAdd(this, 1L);
    if (ctx.isCancelled()) {
      skip(); // inside a task in flight: never sealed
      return;
    }
    Throwable failure = null;
    try {
      task.run(ctx);
    } catch (Throwable t) {
      failure = t;
    }
    keepEnclosingInterrupt(CURRENT.get());
    if (failure != null) {
      group.failed(order, failure);
    }
  }

  /**
   * If a worker on this thread, from {@code w} outwards, was delivered its group's interrupt, sets
   * the thread's interrupt flag again: code run inline inside that worker's task may have consumed
   * it (a caught {@link InterruptedException}), and the task must still see it.
   */
  private static void keepEnclosingInterrupt(Worker w) {
    for (; w != null; w = w.outer) {
      if (w.delivered()) {
        w.thread.interrupt();
        return;
      }
    }
  }

  // ---------------------------------------------------------------------------------------------
  // Ending

  /**
   * Waits until nothing is in flight, then seals (or finds the scheduler sealed already): after
   * this returns, nothing more is admitted and {@link #skipped()} is final.
   */
  void awaitAndSeal() throws InterruptedException {
    waitUntilQuiet(true);
  }

  /** Waits, uninterruptibly, until nothing is in flight and no worker thread is left; seals. */
  void sealWhenQuiet() {
    try {
      waitUntilQuiet(false);
    } catch (InterruptedException e) {
      throw new AssertionError("an uninterruptible wait was interrupted", e);
    }
  }

  private void waitUntilQuiet(boolean interruptible) throws InterruptedException {
    lock.lock();
    try {
      waiters++;
      try {
        for (; ; ) {
          long w = admission;
          if (inFlight(w) == 0 && (w & SEALED) == 0 && !ADMISSION.compareAndSet(this, w, w | SEALED)) {
            continue; // changed under us: look again
          }
          if (inFlight(admission) == 0 && (interruptible || alive == 0)) {
            return;
          }
          if (interruptible) {
            changed.await();
          } else {
            changed.awaitUninterruptibly();
          }
        }
      } finally {
        waiters--;
      }
    } finally {
      lock.unlock();
    }
  }

  /** The context was cancelled: interrupt running tasks, wake idle workers and waiting threads. */
  void cancelled() {
    // Interrupt outside the list's lock: workers that wake up leave, and take the lock to do so.
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
      LockSupport.unpark(t.thread);
    }
    if (waiters > 0) {
      signal();
    }
  }

  /** Worker threads that have not finished; for tests. */
  int aliveWorkers() {
    return alive;
  }

  /** Tasks admitted and not finished. */
  int inFlight() {
    return inFlight(admission);
  }

  /** The limit ({@link #NO_LIMIT}: none). */
  int limit() {
    return limit(admission);
  }

  // ---------------------------------------------------------------------------------------------
  // Workers

  private void release() {
    long w = (long) ADMISSION.getAndAdd(this, -1L) - 1;
    int n = inFlight(w);
    if (waiters > 0 && (n == 0 || n == limit(w) - 1)) {
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

  /** Gets a worker to the queue: wakes a parked one, or starts one if there are too few. */
  private void signalWork() {
    for (IdleTicket t; (t = idle.poll()) != null; ) {
      if (t.take()) { // a ticket its worker withdrew is skipped
        SEARCHING.getAndAdd(this, 1); // it searches from now on: later submitters need not wake another
        LockSupport.unpark(t.thread);
        return;
      }
    }
    long a = admission;
    int w = workers;
    if (w < inFlight(a) && w < limit(a)) {
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
      long a = admission;
      int w = workers;
      if (w >= inFlight(a) || w >= limit(a)) {
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
      // Nothing can run the queued tasks if no thread can be had: the group fails.
      group.cannotRun(t);
      for (Entry e; (e = queue.poll()) != null; ) {
        skip();
        release();
      }
      signal();
    }
  }

  /**
   * A worker's life: run queued tasks, linger, park, leave. {@code submitter} is the thread that
   * started it: when they are the same, an executor is running the worker inline (a direct
   * executor, or {@code CallerRunsPolicy}), and the worker must neither park the caller nor touch
   * the caller's interrupt flag beyond what it delivered itself.
   */
  private void work(Thread submitter) {
    Worker outer = CURRENT.get();
    Thread self = Thread.currentThread();
    boolean inline = self == submitter;
    Worker me = new Worker(this, self, inline, outer);
    CURRENT.set(me);
    addRunning(me);
    boolean searchingNow = true; // counted as searching by whoever started us
    try {
      for (; ; ) {
        // Searching: a submitter that sees a searching worker leaves the entry to it.
        Entry e = queue.poll();
        if (e == null && !inline && searching <= MAX_LINGERING) {
          e = linger(); // a few spinning workers catch the next task; more would only contend
        }
        SEARCHING.getAndAdd(this, -1);
        searchingNow = false;
        if (e == null
            && !inline
            && parks
            && (!me.virtual || parked < MAX_PARKED_VIRTUAL)
            && !ctx.isCancelled()) { // a cancelled group gets no more work: leave at once
          e = park(me); // looks at the queue again, after the decrement: nothing is missed
        }
        if (e != null) {
          foundWork();
          run(me, e);
          SEARCHING.getAndAdd(this, 1);
          searchingNow = true;
          continue;
        }
        WORKERS.getAndAdd(this, -1);
        // A submitter that offered before our decrement may have seen us and not spawned.
        if (queue.peek() == null || !rejoin()) {
          break;
        }
        SEARCHING.getAndAdd(this, 1);
        searchingNow = true;
      }
    } finally {
      if (searchingNow) {
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
   * Parks until a submitter hands this worker work, the context is cancelled, the keep-alive
   * passes, or the limit was lowered below the number of workers. Returns an entry to run, or
   * null to leave. The ticket protocol: the worker offers a ticket and then looks at the queue; a
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
      if (left <= 0 || ctx.isCancelled() || workers > limit()) {
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
      if (w >= limit()) {
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
        group.failed(e.seq, failure);
      } else if (skipped) {
        skip(); // in flight: never sealed
      }
    } finally {
      release(); // even if recording the failure threw: await must not wait for this entry
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

  @Override
  public String toString() {
    long a = admission;
    return "limit="
        + (limit(a) == NO_LIMIT ? "none" : String.valueOf(limit(a)))
        + ", inFlight="
        + inFlight(a)
        + ((a & SKIPPED) != 0 ? ", skipped work" : "")
        + ((a & SEALED) != 0 ? ", sealed" : "");
  }

  // ---------------------------------------------------------------------------------------------
  // Parts

  /** A queued task and its submission number. */
  private static final class Entry {
    final Task task;
    final long seq;

    Entry(Task task, long seq) {
      this.task = Objects.requireNonNull(task);
      this.seq = seq;
    }
  }

  /** A parked worker's offer to take work: taken by one submitter, or withdrawn by the worker. */
  private static final class IdleTicket {
    private static final int WAITING = 0;
    private static final int TAKEN = 1;
    private static final int WITHDRAWN = 2;
    private static final VarHandle STATE;

    static {
      try {
        STATE = MethodHandles.lookup().findVarHandle(IdleTicket.class, "state", int.class);
      } catch (ReflectiveOperationException e) {
        throw new ExceptionInInitializerError(e);
      }
    }

    final Thread thread;
    private volatile int state = WAITING;

    IdleTicket(Thread thread) {
      this.thread = thread;
    }

    boolean take() {
      return STATE.compareAndSet(this, WAITING, TAKEN);
    }

    boolean withdraw() {
      return STATE.compareAndSet(this, WAITING, WITHDRAWN);
    }

    boolean taken() {
      return state == TAKEN;
    }
  }

  /**
   * A worker thread, as cancellation sees it. The states make sure an interrupt meant for one task
   * reaches that task and never leaks into the thread's next task or back to a caller's executor:
   *
   * <pre>
   *   IDLE --start()--> RUNNING --finish()--> IDLE
   *                        |
   *                        +--interruptIfRunning()--> INTERRUPTING --> INTERRUPTED --finish()--> IDLE
   * </pre>
   */
  private static final class Worker {
    /** Between tasks: an interrupt now would hit the wrong code. */
    private static final int IDLE = 0;
    /** A task runs: the group's interrupt may be delivered. */
    private static final int RUNNING = 1;
    /** The canceller is calling {@link Thread#interrupt()}: finish() waits for it. */
    private static final int INTERRUPTING = 2;
    /** The task was interrupted by its group; finish() clears what was delivered. */
    private static final int INTERRUPTED = 3;

    private static final VarHandle STATE;

    static {
      try {
        STATE = MethodHandles.lookup().findVarHandle(Worker.class, "state", int.class);
      } catch (ReflectiveOperationException e) {
        throw new ExceptionInInitializerError(e);
      }
    }

    final Scheduler owner;
    final Thread thread;
    final boolean virtual;
    /** Run on the submitter's thread by its executor: the thread is not ours to clear. */
    private final boolean inline;
    /** The worker this one runs inside, on the same thread; null if none. */
    final Worker outer;
    private volatile int state = IDLE;
    Worker prev; // guarded by the owner's runningLock
    Worker next;

    Worker(Scheduler owner, Thread thread, boolean inline, Worker outer) {
      this.owner = owner;
      this.thread = thread;
      this.virtual = Threads.isVirtual(thread);
      this.inline = inline;
      this.outer = outer;
    }

    void start() {
      state = RUNNING;
    }

    /**
     * Ends a task. On a thread the group owns (its own, or a pool's), clears the interrupt flag:
     * the task is over, and an interrupt meant for it, or one it restored before returning, must
     * not reach the next task. Inline on a caller's thread, clears only an interrupt the group
     * delivered, and then restores one that an enclosing task on this thread was delivered.
     */
    void finish() {
      boolean delivered = !STATE.compareAndSet(this, RUNNING, IDLE);
      if (delivered) {
        while (state == INTERRUPTING) {
          Thread.onSpinWait();
        }
        state = IDLE;
      }
      if ((!inline || delivered) && thread.isInterrupted()) {
        Thread.interrupted();
      }
      keepEnclosingInterrupt(outer);
    }

    /** Whether the running task was interrupted by its group (and has not finished). */
    boolean delivered() {
      int s = state;
      while (s == INTERRUPTING) {
        Thread.onSpinWait();
        s = state;
      }
      return s == INTERRUPTED;
    }

    void interruptIfRunning() {
      if (STATE.compareAndSet(this, RUNNING, INTERRUPTING)) {
        try {
          thread.interrupt();
        } finally {
          state = INTERRUPTED;
        }
      }
    }
  }
}
