package dev.fanout;

import java.io.IOException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executor;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import java.util.concurrent.locks.LockSupport;
import java.util.concurrent.locks.ReentrantLock;

/**
 * One random round of the stress harness: a fan-out with a random mix of everything that can go
 * wrong, then a check of every promise the runtime makes. {@link #run()} returns the violations
 * (empty: the round kept every promise) and the outcome, for the harness's statistics.
 *
 * <p>What a round mixes: a limit (none, or 1 to 64) that another thread tries to change while
 * tasks run; fail-fast or collect-all; default threads, a counting thread factory (platform or
 * virtual), a shared pool, or a direct executor; a parent that is live, cancelled at a random
 * moment, given a deadline (future, past) or already cancelled; an interrupt of the calling
 * thread at a random moment; and tasks that succeed, compute, sleep, throw checked exceptions,
 * runtime exceptions or {@code Error}s, block in {@code sleep}, {@code take}, {@code
 * lockInterruptibly} or {@code Future.get} until cancelled, swallow interrupts, fork into their
 * own group (inline at the limit), or open a nested group of their own.
 */
final class StressRound {

  /** A failure of a task's own; never cancellation fallout. */
  static final class Boom extends RuntimeException {
    private static final long serialVersionUID = 1L;

    Boom(String m) {
      super(m);
    }
  }

  /** A task's checked failure. */
  static final class CheckedBoom extends IOException {
    private static final long serialVersionUID = 1L;

    CheckedBoom(String m) {
      super(m);
    }
  }

  /** A task's Error: never wrapped away, never lost. */
  static final class Crash extends Error {
    private static final long serialVersionUID = 1L;

    Crash(String m) {
      super(m);
    }
  }

  enum Threads {
    DEFAULT,
    FACTORY,
    POOL,
    DIRECT
  }

  enum Parent {
    BACKGROUND,
    LIVE,
    CANCELLED_LATER,
    FUTURE_DEADLINE,
    PAST_DEADLINE,
    PRE_CANCELLED
  }

  /** What each task does. */
  enum Kind {
    SUCCEED,
    COMPUTE,
    SLEEP,
    POLL,
    FAIL,
    FAIL_CHECKED,
    CRASH,
    SWALLOW_INTERRUPTS,
    BLOCK_SLEEP,
    BLOCK_TAKE,
    BLOCK_LOCK,
    BLOCK_FUTURE,
    FORK,
    NESTED
  }

  private static final Kind[] KINDS = Kind.values();

  /** The outcome, for statistics. */
  enum Outcome {
    CLEAN,
    FAILED,
    ERROR,
    CANCELLED,
    INTERRUPTED
  }

  // A lock held by no task and never released: a waiter gets out only by an interrupt.
  private static final ReentrantLock NEVER_RELEASED = new ReentrantLock();

  static {
    // Not a lambda: a lambda's body is a method of this class, which the holder thread could not
    // call before this initializer ends, and this initializer waits for the holder.
    Thread holder = new Thread(new HoldForever(NEVER_RELEASED), "stress: holds a lock forever");
    holder.setDaemon(true);
    holder.start();
    while (!NEVER_RELEASED.isLocked()) {
      Thread.onSpinWait();
    }
  }

  private static final class HoldForever implements Runnable {
    private final ReentrantLock lock;

    HoldForever(ReentrantLock lock) {
      this.lock = lock;
    }

    @Override
    public void run() {
      lock.lock();
      while (true) {
        LockSupport.park();
      }
    }
  }

  private final Random rnd;
  private final CancellableContext root;
  private final ExecutorService pool;
  private final AtomicInteger poolWorkersRunning;

  // The round's configuration.
  final int limit; // 0: none
  final boolean collectAll;
  final Threads threads;
  final Parent parentKind;
  final boolean interruptCaller;
  final boolean changeLimit;
  final int tasks;
  /** Whether something cancels the group for sure, so that tasks may block until cancelled. */
  final boolean certainCanceller;

  // What the round observed.
  private final Set<Throwable> genuine = Collections.newSetFromMap(new ConcurrentHashMap<>());
  private final Set<Throwable> escaped = Collections.newSetFromMap(new ConcurrentHashMap<>());
  private final AtomicInteger accepted = new AtomicInteger();
  private final AtomicInteger completed = new AtomicInteger();
  private final AtomicInteger runningThreads = new AtomicInteger();
  private final AtomicInteger maxRunningOverLimit = new AtomicInteger();
  private final AtomicInteger startedAfterClose = new AtomicInteger();
  private final AtomicInteger startedAfterCancelSeen = new AtomicInteger();
  private final AtomicBoolean closed = new AtomicBoolean();
  private final AtomicBoolean cancelSeen = new AtomicBoolean();
  private volatile int allowedLimit; // the limit in force, or the larger one while it changes
  private final ThreadLocal<int[]> depth = ThreadLocal.withInitial(() -> new int[1]);
  private final List<String> violations = Collections.synchronizedList(new ArrayList<>());
  private final int timersBefore = Contexts.timerQueueSize();
  private volatile TaskGroup group;
  Outcome outcome;
  int tasksRun;

  StressRound(Random rnd, CancellableContext root, ExecutorService pool, AtomicInteger poolWorkers) {
    this.rnd = rnd;
    this.root = root;
    this.pool = pool;
    this.poolWorkersRunning = poolWorkers;
    int[] limits = {0, 0, 1, 1, 2, 3, 4, 8, 16, 64};
    int l = limits[rnd.nextInt(limits.length)];
    this.limit = l == 64 ? 1 + rnd.nextInt(64) : l;
    this.collectAll = rnd.nextInt(4) == 0;
    this.threads = Threads.values()[rnd.nextInt(Threads.values().length)];
    Parent[] parents = Parent.values();
    this.parentKind = parents[rnd.nextInt(parents.length)];
    this.interruptCaller = rnd.nextInt(6) == 0;
    this.changeLimit = rnd.nextInt(5) == 0;
    this.tasks = rnd.nextInt(4) == 0 ? 0 : rnd.nextInt(48);
    this.certainCanceller =
        parentKind == Parent.CANCELLED_LATER
            || parentKind == Parent.FUTURE_DEADLINE
            || parentKind == Parent.PAST_DEADLINE
            || parentKind == Parent.PRE_CANCELLED
            // An interrupt of the caller cancels the group in go or await; but with a direct
            // executor it may land in a task the caller runs inline, and be a failure instead.
            || (interruptCaller && threads != Threads.DIRECT);
    this.allowedLimit = limit == 0 ? Integer.MAX_VALUE : limit;
  }

  List<String> violations() {
    return violations;
  }

  @Override
  public String toString() {
    return "limit="
        + (limit == 0 ? "none" : limit)
        + (collectAll ? " collect-all" : " fail-fast")
        + " threads="
        + threads
        + " parent="
        + parentKind
        + (interruptCaller ? " interrupt-caller" : "")
        + (changeLimit ? " setLimit-racing" : "")
        + " tasks="
        + tasks;
  }

  /** Runs the round; a hang beyond {@code hang} is reported as a violation with a thread dump. */
  void run(Duration hang) throws InterruptedException {
    CancellableContext parent = parent();
    CountingFactory factory = threads == Threads.FACTORY
            ? new CountingFactory(
                rnd.nextBoolean() ? dev.fanout.Threads.DEFAULT : CountingFactory.PLATFORM, true)
            : null;
    TaskGroup.Builder b = TaskGroup.builder();
    if (limit > 0) {
      b.limit(limit);
    }
    if (collectAll) {
      b.collectAllErrors();
    }
    switch (threads) {
      case FACTORY:
        b.threadFactory(factory);
        break;
      case POOL:
        b.executor(countingPool());
        break;
      case DIRECT:
        b.executor(Runnable::run);
        break;
      default:
        break;
    }
    Kind[] kinds = new Kind[tasks];
    for (int i = 0; i < tasks; i++) {
      kinds[i] = kind(true);
    }

    AtomicReference<Throwable> caught = new AtomicReference<>();
    CountDownLatchLite opened = new CountDownLatchLite();
    Thread caller =
        new Thread(
            () -> {
              try (TaskGroup g = b.open(parent)) {
                group = g;
                g.context().onCancel(() -> cancelSeen.set(true));
                opened.open();
                if (rnd.nextInt(8) == 0 && limit > 0) {
                  changeLimit(limit); // before the first go
                }
                for (int i = 0; i < tasks; i++) {
                  submit(g, i, kinds[i], i % 5 == 4);
                }
                g.await();
              } catch (Throwable t) {
                caught.set(t);
              } finally {
                closed.set(true);
              }
            },
            "stress caller");
    caller.start();
    List<Thread> helpers = new ArrayList<>();
    if (parentKind == Parent.CANCELLED_LATER) {
      long after = rnd.nextInt(3_000_000);
      helpers.add(start("stress canceller", () -> {
        LockSupport.parkNanos(after);
        parent.cancel(new Boom("parent cancelled (not a task failure)"));
      }));
    }
    if (interruptCaller) {
      long after = rnd.nextInt(3_000_000);
      helpers.add(start("stress interrupter", () -> {
        LockSupport.parkNanos(after);
        caller.interrupt();
      }));
    }
    if (changeLimit) {
      helpers.add(start("stress setLimit", () -> {
        opened.await();
        for (int k = 0; k < 3; k++) {
          LockSupport.parkNanos(rnd.nextInt(500_000));
          changeLimit(1 + rnd.nextInt(64));
        }
      }));
    }
    caller.join(hang.toMillis());
    if (caller.isAlive()) {
      violations.add(
          "hang: the round did not end within " + hang + "\n" + group + "\n" + Watchdog.dumpThreads());
      return;
    }
    for (Thread h : helpers) {
      h.join(hang.toMillis());
    }
    parent.close();
    check(caught.get(), factory);
  }

  private void submit(TaskGroup g, int id, Kind kind, boolean viaTryGo) {
    boolean afterCancel = cancelSeen.get();
    Task task = wrap(g, id, kind, afterCancel, true);
    if (viaTryGo) {
      if (g.tryGo(task)) {
        accepted.incrementAndGet();
      }
    } else {
      g.go(task);
      accepted.incrementAndGet();
    }
  }

  /** Wraps a task body with the round's bookkeeping. */
  private Task wrap(TaskGroup g, int id, Kind kind, boolean submittedAfterCancel, boolean topLevel) {
    return c -> {
      if (closed.get()) {
        startedAfterClose.incrementAndGet();
      }
      if (submittedAfterCancel) {
        startedAfterCancelSeen.incrementAndGet();
      }
      int[] d = depth.get();
      if (d[0]++ == 0) {
        int now = runningThreads.incrementAndGet();
        if (now > allowedLimit) {
          maxRunningOverLimit.accumulateAndGet(now, Math::max);
        }
      }
      try {
        body(g, c, id, kind);
        completed.incrementAndGet();
      } catch (Throwable t) {
        if (topLevel) {
          escaped.add(t);
        }
        throw t;
      } finally {
        if (--d[0] == 0) {
          runningThreads.decrementAndGet();
        }
      }
    };
  }

  private void body(TaskGroup g, Context c, int id, Kind kind) throws Exception {
    switch (kind) {
      case SUCCEED:
        return;
      case COMPUTE:
        for (long end = System.nanoTime() + rnd(100_000); System.nanoTime() < end; ) {
          c.throwIfCancelled();
          Thread.onSpinWait();
        }
        return;
      case SLEEP:
        TimeUnit.NANOSECONDS.sleep(rnd(300_000));
        return;
      case POLL:
        new LinkedBlockingQueue<Object>().poll(rnd(300_000), TimeUnit.NANOSECONDS);
        return;
      case FAIL:
        throw genuine(new Boom("task " + id));
      case FAIL_CHECKED:
        throw genuine(new CheckedBoom("task " + id));
      case CRASH:
        throw genuine(new Crash("task " + id));
      case SWALLOW_INTERRUPTS:
        for (long end = System.nanoTime() + rnd(500_000); System.nanoTime() < end; ) {
          try {
            TimeUnit.NANOSECONDS.sleep(50_000);
          } catch (InterruptedException ignored) {
            // a badly behaved task: it carries on, and ends on its own a little later
          }
        }
        return;
      case BLOCK_SLEEP:
        Thread.sleep(600_000);
        return;
      case BLOCK_TAKE:
        new LinkedBlockingQueue<Object>().take();
        return;
      case BLOCK_LOCK:
        NEVER_RELEASED.lockInterruptibly();
        return;
      case BLOCK_FUTURE:
        new CompletableFuture<Object>().get();
        return;
      case FORK:
        int forks = 1 + rnd.nextInt(3);
        for (int k = 0; k < forks; k++) {
          g.go(wrap(g, id * 100 + k, kind(false), cancelSeen.get(), false));
          accepted.incrementAndGet();
        }
        return;
      case NESTED:
        nested(c, id);
        return;
      default:
        throw new AssertionError(kind);
    }
  }

  /** The documented nested pattern, with inner tasks that may fail, crash or block. */
  private void nested(Context c, int id) throws Exception {
    TaskGroup.Builder b = TaskGroup.builder();
    if (rnd.nextBoolean()) {
      b.limit(1 + rnd.nextInt(4));
    }
    if (rnd.nextInt(4) == 0) {
      b.collectAllErrors();
    }
    try (TaskGroup inner = b.open(c)) {
      int n = 1 + rnd.nextInt(4);
      for (int k = 0; k < n; k++) {
        Kind kind = kind(false);
        int innerId = id * 100 + k;
        inner.go(
            c2 -> {
              if (kind != Kind.FORK && kind != Kind.NESTED) {
                body(inner, c2, innerId, kind);
              }
            });
      }
      inner.await();
    }
  }

  /** A random kind; blocking until cancelled only where the round is sure to be cancelled. */
  private Kind kind(boolean topLevel) {
    for (; ; ) {
      Kind k = KINDS[rnd.nextInt(KINDS.length)];
      boolean blocks = k.name().startsWith("BLOCK_");
      if (blocks && !certainCanceller) {
        continue;
      }
      if (!topLevel && (k == Kind.FORK || k == Kind.NESTED)) {
        continue;
      }
      return k;
    }
  }

  private <T extends Throwable> T genuine(T t) {
    genuine.add(t);
    return t;
  }

  private long rnd(int bound) {
    return rnd.nextInt(bound);
  }

  private CancellableContext parent() {
    switch (parentKind) {
      case FUTURE_DEADLINE:
        return root.withTimeout(Duration.ofNanos(rnd.nextInt(3_000_000)));
      case PAST_DEADLINE:
        return root.withDeadline(Instant.now().minusMillis(rnd.nextInt(1000)));
      case PRE_CANCELLED:
        CancellableContext c = root.withCancel();
        c.cancel(new Boom("cancelled before the group (not a task failure)"));
        return c;
      default:
        return root.withCancel();
    }
  }

  private synchronized void changeLimit(int n) {
    int before = allowedLimit;
    allowedLimit = Math.max(before, n);
    try {
      group.setLimit(n);
      allowedLimit = n;
    } catch (IllegalStateException running) {
      allowedLimit = before; // tasks in flight, or the group ended: the limit stays
    }
  }

  private Executor countingPool() {
    return r ->
        pool.execute(
            () -> {
              poolWorkersRunning.incrementAndGet();
              try {
                r.run();
              } finally {
                poolWorkersRunning.decrementAndGet();
              }
            });
  }

  // ---------------------------------------------------------------------------------------------
  // The promises

  private void check(Throwable out, CountingFactory factory) throws InterruptedException {
    TaskGroup g = group;
    if (g == null) {
      violations.add("the group was never opened: " + out);
      return;
    }
    // Nothing outlives close.
    expect(runningThreads.get() == 0, "a task was still running after close");
    expect(startedAfterClose.get() == 0, "a task started after close returned");
    expect(startedAfterCancelSeen.get() == 0, "a task submitted after cancellation started");
    expect(g.aliveWorkers() == 0, "a worker outlived close: " + g.aliveWorkers());
    expect(g.tasksInFlight() == 0, "tasks still in flight after close: " + g.tasksInFlight());
    expect(maxRunningOverLimit.get() == 0,
        "the limit was exceeded: " + maxRunningOverLimit.get() + " tasks ran at once");
    if (factory != null) {
      for (Thread t : factory.made) {
        t.join(TimeUnit.SECONDS.toMillis(10));
        expect(!t.isAlive(), "a worker thread was alive after close: " + t);
      }
      // At most `limit` workers; one on its way out may overlap its replacement for a moment.
      int most = limit == 0 ? Math.max(accepted.get(), 1) : changeLimit ? Math.max(limit, 64) : limit;
      int bound = 2 * most;
      expect(factory.max.get() <= bound, "threads at once: " + factory.max.get() + " > " + bound);
    }
    if (threads == Threads.POOL) {
      // A worker's last act is to tell the group it is done, so close may return while the pool
      // thread is still unwinding out of the worker's run(); holding it on is the failure.
      long until = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
      while (poolWorkersRunning.get() != 0 && System.nanoTime() < until) {
        Thread.sleep(1);
      }
      expect(poolWorkersRunning.get() == 0,
          "a worker still held a pool thread 5 s after close: " + poolWorkersRunning.get());
    }
    // No callback or timer is left on the long-lived root.
    expect(((Contexts.Node) root).pendingCallbacks() == 0,
        "the root still holds " + ((Contexts.Node) root).pendingCallbacks() + " callbacks");
    expect(Contexts.timerQueueSize() <= timersBefore,
        "deadline timers left: " + Contexts.timerQueueSize() + ", before the round " + timersBefore);

    // No genuine failure is lost: each is reachable from what the caller caught.
    Set<Throwable> reachable = reachable(out);
    for (Throwable t : genuine) {
      expect(reachable.contains(t), "lost failure " + t + "; the caller got " + out);
    }
    Throwable groupCause = g.context().cause();
    if (out == null) {
      outcome = Outcome.CLEAN;
      expect(genuine.isEmpty(), "await returned normally although tasks failed: " + genuine);
      expect(accepted.get() == completed.get(),
          "await returned normally but " + (accepted.get() - completed.get())
              + " accepted tasks did not run to the end");
    } else if (out instanceof Crash) {
      outcome = Outcome.ERROR;
      expect(genuine.contains(out), "an Error the tasks never threw: " + out);
    } else if (out instanceof TaskFailedException) {
      outcome = Outcome.FAILED;
      TaskFailedException e = (TaskFailedException) out;
      boolean foreignInterrupt = interruptCaller && threads == Threads.DIRECT;
      // A task's own exception, or a genuine failure the runtime dug out of a task's fallout: a
      // nested group's TaskFailedException from its close, suppressed by the InterruptedException
      // its await threw when the outer group was cancelled.
      Set<Throwable> fromTasks = Collections.newSetFromMap(new IdentityHashMap<>());
      for (Throwable x : escaped) {
        fromTasks.addAll(reachable(x));
      }
      expect(genuine.contains(e.getCause()) || fromTasks.contains(e.getCause())
              || (foreignInterrupt && e.getCause() instanceof InterruptedException),
          "the reported cause is not a task's failure: " + e.getCause());
      expect(!(e.getCause() instanceof Error), "an Error was wrapped: " + e.getCause());
      if (!collectAll && escaped.contains(groupCause) && !(groupCause instanceof Error)
          && e.failures().stream().noneMatch(f -> f instanceof Error)) {
        expect(e.getCause() == groupCause,
            "the first failure (the group's cause, " + groupCause + ") is not the reported cause "
                + e.getCause());
      }
    } else if (out instanceof ContextCancelledException) {
      outcome = Outcome.CANCELLED;
      expect(parentKind != Parent.BACKGROUND && parentKind != Parent.LIVE || interruptCaller,
          "cancelled without a canceller: " + out);
      expect(out.getCause() == groupCause, "the cancellation's cause is not the group's");
    } else if (out instanceof InterruptedException) {
      outcome = Outcome.INTERRUPTED;
      expect(interruptCaller, "InterruptedException without an interrupt: " + out);
    } else {
      outcome = Outcome.FAILED;
      violations.add("unexpected outcome: " + describe(out));
    }
    tasksRun = completed.get();
  }

  private void expect(boolean ok, String what) {
    if (!ok) {
      violations.add(what);
    }
  }

  static Set<Throwable> reachable(Throwable t) {
    Set<Throwable> into = Collections.newSetFromMap(new IdentityHashMap<>());
    List<Throwable> todo = new ArrayList<>();
    if (t != null) {
      todo.add(t);
    }
    while (!todo.isEmpty()) {
      Throwable x = todo.remove(todo.size() - 1);
      if (x == null || !into.add(x)) {
        continue;
      }
      todo.add(x.getCause());
      Collections.addAll(todo, x.getSuppressed());
    }
    return into;
  }

  private static String describe(Throwable t) {
    java.io.StringWriter w = new java.io.StringWriter();
    t.printStackTrace(new java.io.PrintWriter(w));
    return w.toString();
  }

  private static Thread start(String name, Runnable r) {
    Thread t = new Thread(r, name);
    t.setDaemon(true);
    t.start();
    return t;
  }

  /** A one-shot gate. */
  private static final class CountDownLatchLite {
    private volatile boolean open;

    void open() {
      open = true;
    }

    void await() {
      while (!open) {
        LockSupport.parkNanos(10_000);
      }
    }
  }

  /** Counts the threads it makes and how many run at once; with retain, keeps them to join. */
  static final class CountingFactory implements ThreadFactory {
    final AtomicInteger live = new AtomicInteger();
    final AtomicInteger max = new AtomicInteger();
    final AtomicInteger count = new AtomicInteger();
    final List<Thread> made = Collections.synchronizedList(new ArrayList<>());
    private final ThreadFactory delegate;
    private final boolean retain;

    CountingFactory(ThreadFactory delegate, boolean retain) {
      this.delegate = delegate;
      this.retain = retain;
    }

    /** Platform daemon threads. */
    static final ThreadFactory PLATFORM = r -> {
      Thread t = new Thread(r);
      t.setDaemon(true);
      return t;
    };

    @Override
    public Thread newThread(Runnable r) {
      Thread t =
          delegate.newThread(
              () -> {
                max.accumulateAndGet(live.incrementAndGet(), Math::max);
                try {
                  r.run();
                } finally {
                  live.decrementAndGet();
                }
              });
      count.incrementAndGet();
      if (retain) {
        made.add(t);
      }
      return t;
    }
  }

  /** For the harness's statistics. */
  static Map<Outcome, AtomicInteger> newTally() {
    Map<Outcome, AtomicInteger> m = new java.util.EnumMap<>(Outcome.class);
    for (Outcome o : Outcome.values()) {
      m.put(o, new AtomicInteger());
    }
    return m;
  }
}
