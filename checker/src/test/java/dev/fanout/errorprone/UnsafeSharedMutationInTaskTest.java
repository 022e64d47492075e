package dev.fanout.errorprone;

import com.google.errorprone.BugCheckerRefactoringTestHelper;
import com.google.errorprone.BugCheckerRefactoringTestHelper.FixChoosers;
import com.google.errorprone.CompilationTestHelper;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;

/**
 * Identification (negatives first, then positives) and replacement tests for {@link
 * UnsafeSharedMutationInTask}. Each negative is one "stays silent" rule of the issue and DESIGN.md;
 * each positive one sink kind or write kind.
 */
final class UnsafeSharedMutationInTaskTest {

  private final CompilationTestHelper helper =
      CompilationTestHelper.newInstance(UnsafeSharedMutationInTask.class, getClass());

  private final BugCheckerRefactoringTestHelper refactoring =
      BugCheckerRefactoringTestHelper.newInstance(UnsafeSharedMutationInTask.class, getClass());

  private void silent(String... lines) {
    helper.addSourceLines("Test.java", lines).doTest();
  }

  private void flagged(String... lines) {
    helper.addSourceLines("Test.java", lines).doTest();
  }

  // ---------------------------------------------------------------- stubs of serial executors

  /** Netty's {@code EventExecutor} and {@code EventLoop}, gRPC's {@code SynchronizationContext}. */
  private CompilationTestHelper withSerialStubs() {
    return helper
        .addSourceLines(
            "io/netty/util/concurrent/EventExecutor.java",
            """
            package io.netty.util.concurrent;
            import java.util.concurrent.ScheduledExecutorService;
            public interface EventExecutor extends ScheduledExecutorService {
              boolean inEventLoop();
            }
            """)
        .addSourceLines(
            "io/netty/util/concurrent/UnorderedThreadPoolEventExecutor.java",
            """
            package io.netty.util.concurrent;
            import java.util.concurrent.ScheduledThreadPoolExecutor;
            public abstract class UnorderedThreadPoolEventExecutor
                extends ScheduledThreadPoolExecutor implements EventExecutor {
              protected UnorderedThreadPoolEventExecutor(int n) { super(n); }
            }
            """)
        .addSourceLines(
            "io/netty/channel/EventLoop.java",
            """
            package io.netty.channel;
            public interface EventLoop extends io.netty.util.concurrent.EventExecutor {}
            """)
        .addSourceLines(
            "io/grpc/SynchronizationContext.java",
            """
            package io.grpc;
            public final class SynchronizationContext implements java.util.concurrent.Executor {
              @Override public void execute(Runnable task) { task.run(); }
            }
            """);
  }

  // ================================================================ identification: negatives

  @Nested
  final class Negatives {

    @Test
    void taskLocalCollection() {
      silent(
          """
          import java.util.*;
          import java.util.concurrent.*;
          class Test {
            void run(ExecutorService ex, List<String> items) {
              for (String item : items) {
                ex.submit(() -> {
                  List<String> local = new ArrayList<>();
                  local.add(item);
                  Map<String, Integer> m = new HashMap<>();
                  m.put(item, 1);
                  StringBuilder sb = new StringBuilder();
                  sb.append(item);
                  return local.size() + m.size() + sb.length();
                });
              }
            }
          }
          """);
    }

    @Test
    void distinctSlotsInArrayAndListSet() {
      silent(
          """
          import java.util.*;
          import java.util.concurrent.*;
          class Test {
            void run(ExecutorService ex, int n) throws Exception {
              String[] results = new String[n];
              List<String> list = new ArrayList<>(Collections.nCopies(n, (String) null));
              List<Future<?>> futures = new ArrayList<>();
              for (int i = 0; i < n; i++) {
                int slot = i;
                futures.add(ex.submit(() -> {
                  results[slot] = "r" + slot;
                  list.set(slot, "r" + slot);
                }));
              }
              for (Future<?> f : futures) f.get();
            }
          }
          """);
    }

    @Test
    void synchronizedBlockAndSynchronizedHelper() {
      silent(
          """
          import java.util.*;
          import java.util.stream.*;
          class Test {
            private final List<Integer> results = new ArrayList<>();
            private int count;
            void run(List<Integer> xs) {
              xs.parallelStream().forEach(x -> {
                synchronized (results) {
                  results.add(x);
                }
                synchronized (this) { count++; }
                record(x);
              });
            }
            private synchronized void record(int x) {
              results.add(x);
              count += x;
            }
          }
          """);
    }

    @Test
    void lockRegions() {
      silent(
          """
          import java.util.*;
          import java.util.concurrent.*;
          import java.util.concurrent.locks.*;
          class Test {
            private final Lock lock = new ReentrantLock();
            private final ReadWriteLock rw = new ReentrantReadWriteLock();
            private final StampedLock stamped = new StampedLock();
            private final Semaphore mutex = new Semaphore(1);
            private final Map<String, Integer> counts = new HashMap<>();
            private int total;
            void run(ExecutorService ex, List<String> items) {
              for (String item : items) {
                ex.execute(() -> {
                  lock.lock();
                  try {
                    counts.merge(item, 1, Integer::sum);
                    total++;
                  } finally {
                    lock.unlock();
                  }
                  if (lock.tryLock()) {
                    try { counts.remove(item); } finally { lock.unlock(); }
                  }
                  rw.writeLock().lock();
                  try { counts.clear(); } finally { rw.writeLock().unlock(); }
                  long stamp = stamped.writeLock();
                  try { counts.put(item, 2); } finally { stamped.unlockWrite(stamp); }
                  boolean permit = false;
                  try {
                    permit = mutex.tryAcquire();
                    total++;
                  } finally {
                    if (permit) mutex.release();
                  }
                });
              }
            }
          }
          """);
    }

    @Test
    void concurrentAndSynchronizedCollections() {
      silent(
          """
          import java.util.*;
          import java.util.concurrent.*;
          class Test {
            private final Map<String, Integer> chm = new ConcurrentHashMap<>();
            private final List<String> cow = new CopyOnWriteArrayList<>();
            private final Queue<String> q = new ConcurrentLinkedQueue<>();
            private final List<String> syncList = Collections.synchronizedList(new ArrayList<>());
            private final Map<String, Integer> syncMap = Collections.synchronizedMap(new HashMap<>());
            private final BlockingQueue<String> bq = new LinkedBlockingQueue<>();
            private final StringBuffer buffer = new StringBuffer();
            void run(List<String> items) {
              Set<String> local = Collections.synchronizedSet(new HashSet<>());
              items.parallelStream().forEach(s -> {
                chm.merge(s, 1, Integer::sum);
                cow.add(s);
                q.offer(s);
                syncList.add(s);
                syncMap.put(s, 1);
                bq.add(s);
                buffer.append(s);
                local.add(s);
              });
            }
          }
          """);
    }

    @Test
    void atomicsAndAdders() {
      silent(
          """
          import java.util.*;
          import java.util.concurrent.atomic.*;
          class Test {
            private final AtomicInteger count = new AtomicInteger();
            private final LongAdder adder = new LongAdder();
            void run(List<String> items) {
              AtomicLong total = new AtomicLong();
              items.parallelStream().forEach(s -> {
                count.incrementAndGet();
                adder.increment();
                total.addAndGet(s.length());
              });
            }
          }
          """);
    }

    @Test
    void collectAndForEachOrdered() {
      silent(
          """
          import java.util.*;
          import java.util.stream.*;
          class Test {
            void run(List<String> items) {
              List<String> out = new ArrayList<>();
              List<String> a = items.parallelStream().collect(Collectors.toList());
              ArrayList<String> b =
                  items.parallelStream().collect(ArrayList::new, ArrayList::add, ArrayList::addAll);
              items.parallelStream().forEachOrdered(out::add);
              items.parallelStream().forEachOrdered(s -> out.add(s));
            }
          }
          """);
    }

    @Test
    void sequentialStreamsAndIterableForEach() {
      silent(
          """
          import java.util.*;
          import java.util.stream.*;
          class Test {
            private final Map<String, Integer> m = new HashMap<>();
            void run(List<String> items) {
              List<String> out = new ArrayList<>();
              items.stream().forEach(out::add);
              items.forEach(s -> m.put(s, 1));
              items.parallelStream().sequential().forEach(s -> out.add(s));
              Stream.of("a", "b").forEach(out::add);
              IntStream.range(0, 3).forEach(i -> out.add("" + i));
              Stream<String> s = items.stream();
              s.filter(x -> !x.isEmpty()).forEach(out::add);
            }
          }
          """);
    }

    @Test
    void singleTaskJoinedBeforeTheSubmitterTouchesIt() {
      silent(
          """
          import dev.fanout.*;
          import java.util.*;
          import java.util.concurrent.*;
          class Test {
            private final List<String> log = new ArrayList<>();
            int viaFuture(ExecutorService ex) throws Exception {
              List<String> out = new ArrayList<>();
              Future<?> f = ex.submit(() -> { out.add("x"); });
              f.get();
              return out.size();
            }
            int viaJoin() {
              Map<String, Integer> m = new HashMap<>();
              CompletableFuture.runAsync(() -> m.put("a", 1)).join();
              return m.size();
            }
            int viaThreadJoin() throws InterruptedException {
              List<String> out = new ArrayList<>();
              Thread t = new Thread(() -> out.add("x"));
              t.start();
              t.join();
              return out.size();
            }
            int viaGroup(Context ctx) throws Exception {
              List<String> out = new ArrayList<>();
              try (TaskGroup g = TaskGroup.withContext(ctx)) {
                g.go(c -> out.add("x"));
                g.await();
              }
              return out.size();
            }
            void fieldJoined(ExecutorService ex) throws Exception {
              ex.submit(() -> log.add("x")).get();
              log.clear();
            }
            CompletableFuture<List<String>> viaCallbackOnTheSameFuture() {
              List<String> out = new ArrayList<>();
              CompletableFuture<Void> cf = CompletableFuture.runAsync(() -> out.add("x"));
              return cf.thenApply(v -> out);
            }
            int viaExecutorClose() {
              List<String> out = new ArrayList<>();
              try (ExecutorService ex = Executors.newVirtualThreadPerTaskExecutor()) {
                ex.submit(() -> out.add("x"));
              }
              return out.size();
            }
          }
          """);
    }

    @Test
    void loopThatJoinsEachTaskBeforeTheNext() {
      silent(
          """
          import java.util.*;
          import java.util.concurrent.*;
          class Test {
            List<String> run(ExecutorService ex, List<String> items) throws Exception {
              List<String> out = new ArrayList<>();
              for (String s : items) {
                ex.submit(() -> out.add(s)).get();
                Future<?> f = ex.submit(() -> { out.add(s + "!"); });
                f.get();
              }
              return out;
            }
          }
          """);
    }

    @Test
    void perIterationCollectionCapturedByOneTask() {
      silent(
          """
          import java.util.*;
          import java.util.concurrent.*;
          class Test {
            List<List<String>> run(ExecutorService ex, List<String> shards) throws Exception {
              List<List<String>> all = new ArrayList<>();
              List<Future<?>> futures = new ArrayList<>();
              for (String shard : shards) {
                List<String> out = new ArrayList<>();
                futures.add(ex.submit(() -> { out.add(shard); }));
                all.add(out);
              }
              for (Future<?> f : futures) f.get();
              return all;
            }
          }
          """);
    }

    @Test
    void stateOfTheElementEachTaskWasGiven() {
      silent(
          """
          import java.util.*;
          import java.util.concurrent.*;
          class Test {
            static final class Shard { final List<String> rows = new ArrayList<>(); int seen; }
            void run(ExecutorService ex, List<Shard> shards) {
              for (Shard shard : shards) {
                ex.execute(() -> {
                  shard.rows.add("r");
                  shard.seen++;
                });
              }
              shards.parallelStream().forEach(s -> s.rows.clear());
            }
          }
          """);
    }

    @Test
    void threadLocalState() {
      silent(
          """
          import java.util.*;
          class Test {
            private static final ThreadLocal<List<String>> BUF =
                ThreadLocal.withInitial(ArrayList::new);
            private static final ThreadLocal<StringBuilder> SB =
                ThreadLocal.withInitial(StringBuilder::new);
            void run(List<String> items) {
              items.parallelStream().forEach(s -> {
                BUF.get().add(s);
                SB.get().append(s);
              });
            }
          }
          """);
    }

    @Test
    void unknownTypeOrInitializer() {
      silent(
          """
          import java.util.*;
          import java.util.concurrent.*;
          import java.util.stream.*;
          class Test {
            private final List<String> injected;
            Test(List<String> injected) { this.injected = injected; }
            void run(List<String> out, Map<String, Integer> m, List<String> items) {
              items.parallelStream().forEach(s -> {
                out.add(s);
                m.put(s, 1);
                injected.add(s);
              });
            }
            void unknownStream(Stream<String> s, List<String> ignored) {
              List<String> out = new ArrayList<>();
              s.forEach(out::add);
            }
          }
          """);
    }

    @Test
    void plainAssignmentBySingleTaskOrToVolatileField() {
      silent(
          """
          import java.util.*;
          import java.util.concurrent.*;
          class Test {
            private String last;
            private volatile String latest;
            void run(ExecutorService ex, List<String> items) {
              ex.execute(() -> last = "done");
              for (String s : items) {
                ex.execute(() -> latest = s);
              }
            }
          }
          """);
    }

    @Test
    void stateOwnedByTheTaskItself() {
      silent(
          """
          import java.util.*;
          import java.util.concurrent.*;
          class Test {
            static class Holder { final List<String> list = new ArrayList<>(); int n; }
            void run(ExecutorService ex, List<String> items) {
              for (String s : items) {
                ex.execute(new Runnable() {
                  private int runs;
                  private final List<String> seen = new ArrayList<>();
                  @Override public void run() { runs++; seen.add(s); }
                });
                ex.execute(() -> {
                  Holder h = new Holder();
                  h.list.add(s);
                  h.n++;
                });
              }
            }
          }
          """);
    }

    @Test
    void codeThatIsNotATask() {
      silent(
          """
          import java.util.*;
          import java.util.function.*;
          class Test {
            private final List<String> results = new ArrayList<>();
            private int count;
            Supplier<Boolean> later() { return () -> results.add("x"); }
            void run(List<String> items) {
              items.forEach(this::append);
              Runnable r = () -> count++;
              r.run();
            }
            private void append(String s) { results.add(s); }
          }
          """);
    }

    @Test
    void unusualShapesDoNotCrashOrWarn() {
      silent(
          """
          import java.util.*;
          import java.util.concurrent.*;
          import java.util.function.*;
          class Test {
            static final List<String> LOG = new ArrayList<>();
            static final Runnable INIT = () -> LOG.add("init");
            static { LOG.add("static"); }
            enum Mode { A { @Override void apply(List<String> l) { l.add("a"); } }; abstract void apply(List<String> l); }
            record Pair(List<String> left, int n) {
              Pair { left.add("x"); }
            }
            static class Sub extends ArrayList<String> {
              void run(ExecutorService ex) { ex.execute(super::clear); ex.execute(() -> add("x")); }
            }
            <T> void generic(ExecutorService ex, List<T> xs, T t) {
              ex.execute(() -> xs.add(t));
            }
            int switches(ExecutorService ex, Object o) throws Exception {
              return ex.submit(() -> switch (o) {
                case String s -> { List<String> l = new ArrayList<>(); l.add(s); yield l.size(); }
                default -> 0;
              }).get();
            }
            void indexes(ExecutorService ex, int[] counts, int n) {
              int[] local = new int[n];
              for (int i = 0; i < n; i++) {
                int k = i;
                ex.execute(() -> { local[k]++; counts[k] += 1; });
              }
            }
            Supplier<List<String>> factory() { return ArrayList::new; }
            void nested(ExecutorService ex) {
              ex.execute(() -> {
                Map<String, List<String>> m = new HashMap<>();
                m.computeIfAbsent("k", k -> new ArrayList<>()).add("v");
                new Object() { int n; void bump() { n++; } }.bump();
              });
            }
          }
          """);
    }

    @Test
    void suppressed() {
      silent(
          """
          import java.util.*;
          class Test {
            @SuppressWarnings("UnsafeSharedMutationInTask")
            void run(List<String> items) {
              List<String> out = new ArrayList<>();
              items.parallelStream().forEach(s -> out.add(s));
            }
          }
          """);
    }

    @Test
    void nettyEventLoopConfinement() {
      // FixedChannelPool, LocalServerChannel, SingleThreadEventExecutor, Vert.x's
      // Http1xClientConnection: state touched only on the one event-loop thread.
      withSerialStubs()
          .addSourceLines(
              "Test.java",
              """
              import io.netty.channel.EventLoop;
              import io.netty.util.concurrent.EventExecutor;
              import java.util.*;
              import java.util.concurrent.TimeUnit;
              abstract class Test {
                private final EventExecutor executor;
                private final Deque<Runnable> pendingAcquireQueue = new ArrayDeque<>();
                private int pendingAcquireCount;
                private long readWindow;
                Test(EventExecutor executor) { this.executor = executor; }
                abstract EventLoop eventLoop();
                void acquire(Runnable r) {
                  if (executor.inEventLoop()) {
                    acquire0(r);
                  } else {
                    executor.execute(() -> acquire0(r));
                  }
                }
                private void acquire0(Runnable r) {
                  pendingAcquireQueue.offer(r);
                  ++pendingAcquireCount;
                }
                void close(List<Runnable> rs) {
                  executor.submit(() -> pendingAcquireQueue.clear());
                  for (Runnable r : rs) {
                    executor.schedule(() -> pendingAcquireQueue.add(r), 1, TimeUnit.SECONDS);
                  }
                }
                void ackBytes(int n) {
                  if (eventLoop().inEventLoop()) {
                    readWindow += n;
                  } else {
                    eventLoop().execute(() -> ackBytes(n));
                    eventLoop().execute(() -> readWindow -= n);
                  }
                }
              }
              """)
          .doTest();
    }

    @Test
    void implicitThisOnAnEventExecutor() {
      // SingleThreadEventExecutor.addShutdownHook: execute(...) on this, an event loop.
      withSerialStubs()
          .addSourceLines(
              "Loop.java",
              """
              import io.netty.util.concurrent.EventExecutor;
              import java.util.*;
              abstract class Loop implements EventExecutor {
                private final Set<Runnable> shutdownHooks = new LinkedHashSet<>();
                public void addShutdownHook(Runnable task) {
                  if (inEventLoop()) {
                    shutdownHooks.add(task);
                  } else {
                    execute(new Runnable() {
                      @Override public void run() { shutdownHooks.add(task); }
                    });
                  }
                }
                public void removeShutdownHook(Runnable task) {
                  execute(() -> shutdownHooks.remove(task));
                }
              }
              """)
          .doTest();
    }

    @Test
    void grpcSynchronizationContext() {
      // InternalSubchannel: transports and the scheduled task only touched in the context.
      withSerialStubs()
          .addSourceLines(
              "Test.java",
              """
              import io.grpc.SynchronizationContext;
              import java.util.*;
              class Test {
                private final SynchronizationContext syncContext = new SynchronizationContext();
                private final Collection<String> transports = new ArrayList<>();
                private Runnable shutdownTask;
                void updateAddresses(List<String> addresses) {
                  for (String a : addresses) {
                    syncContext.execute(() -> {
                      transports.add(a);
                      shutdownTask = () -> {};
                    });
                  }
                }
              }
              """)
          .doTest();
    }

    @Test
    void singleThreadExecutorOfKnownOrigin() {
      silent(
          """
          import java.util.*;
          import java.util.concurrent.*;
          class Test {
            private final ExecutorService single = Executors.newSingleThreadExecutor();
            private ExecutorService once;
            private final List<String> log = new ArrayList<>();
            private int count;
            Test() { once = Executors.newSingleThreadExecutor(r -> new Thread(r)); }
            void run(List<String> items) {
              for (String s : items) {
                single.execute(() -> { log.add(s); count++; });
                once.submit(() -> log.add(s));
              }
            }
            void local(List<String> items) {
              ScheduledExecutorService timer = Executors.newSingleThreadScheduledExecutor();
              for (String s : items) {
                timer.schedule(() -> log.add(s), 1, TimeUnit.SECONDS);
              }
            }
          }
          """);
    }

    @Test
    void oneThreadPoolCreatedAtOneSiteAndDroppedOnStop() {
      // Kafka Connect's MemoryOffsetBackingStore: a protected field set to a pool of one thread in
      // start() and to null in stop(); every task touches the map on that one thread.
      silent(
          """
          import java.util.*;
          import java.util.concurrent.*;
          class Test {
            protected Map<String, String> data = new HashMap<>();
            protected ExecutorService executor;
            protected ScheduledExecutorService timer;
            private final List<String> log = new ArrayList<>();
            public void start() {
              executor = Executors.newFixedThreadPool(1, r -> new Thread(r));
              timer = Executors.newScheduledThreadPool(1);
            }
            public void stop() { executor.shutdown(); executor = null; timer = null; }
            public Future<?> set(Map<String, String> values) {
              timer.schedule(() -> log.add("tick"), 1, TimeUnit.SECONDS);
              return executor.submit(() -> { data.putAll(values); return null; });
            }
          }
          """);
    }

    @Test
    void nonAsyncCallbackOnAFutureOfUnknownOrigin() {
      // Kafka's CommitRequestManager: the callback runs on the thread that completes the
      // future (the owner's), or at once on the caller's; it is not a fork.
      silent(
          """
          import java.util.*;
          import java.util.concurrent.*;
          class Test {
            private final Map<String, String> inflight = new HashMap<>();
            private final List<String> done = new ArrayList<>();
            void run(CompletableFuture<String> currentResult, String key) {
              inflight.put(key, key);
              currentResult.whenComplete((res, err) -> inflight.remove(key));
              fetch(key).thenAccept(done::add);
              fetch(key).thenApply(v -> v + "!").thenAccept(v -> done.add(v));
              CompletableFuture<String> f = fetch(key);
              f.handle((v, e) -> done.add(v));
              CompletableFuture.completedFuture(key).thenAccept(done::add);
            }
            CompletableFuture<String> fetch(String key) { return new CompletableFuture<>(); }
          }
          """);
    }
  }

  // ================================================================ identification: positives

  @Nested
  final class Positives {

    @Test
    void executorSubmitAndExecuteInALoop() {
      flagged(
          """
          import java.util.*;
          import java.util.concurrent.*;
          class Test {
            void run(ExecutorService ex, Executor plain, List<String> items) throws Exception {
              List<String> results = new ArrayList<>();
              Map<String, Integer> lengths = new HashMap<>();
              for (String item : items) {
                // BUG: Diagnostic contains: results is written by a task run through ExecutorService.submit
                ex.submit(() -> results.add(item.toUpperCase()));
                // BUG: Diagnostic contains: Executor.execute
                plain.execute(() -> lengths.put(item, item.length()));
              }
            }
          }
          """);
    }

    @Test
    void loopThatJoinsOnlyAfterTheLoop() {
      flagged(
          """
          import java.util.*;
          import java.util.concurrent.*;
          class Test {
            List<String> run(ExecutorService ex, List<String> items) throws Exception {
              List<String> out = new ArrayList<>();
              List<Future<?>> futures = new ArrayList<>();
              for (String s : items) {
                // BUG: Diagnostic contains: out is written
                futures.add(ex.submit(() -> { out.add(s); }));
              }
              for (Future<?> f : futures) f.get();
              return out;
            }
          }
          """);
    }

    @Test
    void invokeAllWithTasksBuiltInALoopAndInvokeAnyWithListOf() {
      flagged(
          """
          import java.util.*;
          import java.util.concurrent.*;
          class Test {
            void run(ExecutorService ex, List<String> items) throws Exception {
              Set<String> seen = new HashSet<>();
              List<Callable<Boolean>> tasks = new ArrayList<>();
              for (String item : items) {
                // BUG: Diagnostic contains: ExecutorService.invokeAll
                tasks.add(() -> seen.add(item));
              }
              ex.invokeAll(tasks);
              Deque<String> stack = new ArrayDeque<>();
              Callable<String> a = () -> {
                // BUG: Diagnostic contains: ExecutorService.invokeAny
                stack.push("a");
                return "a";
              };
              ex.invokeAny(List.of(a, () -> "b"));
            }
          }
          """);
    }

    @Test
    void forkJoinPoolSubmission() {
      flagged(
          """
          import java.util.*;
          import java.util.concurrent.*;
          class Test {
            private final LinkedList<String> queue = new LinkedList<>();
            void run(List<String> items) {
              for (String item : items) {
                // BUG: Diagnostic contains: ForkJoinPool.submit
                ForkJoinPool.commonPool().submit(() -> queue.addLast(item));
              }
            }
          }
          """);
    }

    @Test
    void completableFutureAsyncStagesAndCallbacks() {
      flagged(
          """
          import java.util.*;
          import java.util.concurrent.*;
          class Test {
            private int count;
            private final Map<String, String> cache = new HashMap<>();
            private final List<Throwable> errors = new ArrayList<>();
            private final StringBuilder log = new StringBuilder();
            CompletableFuture<Void> run(String key) {
              // BUG: Diagnostic contains: CompletableFuture.runAsync
              CompletableFuture.runAsync(() -> count++);
              return CompletableFuture.supplyAsync(() -> key + "!")
                  // BUG: Diagnostic contains: CompletionStage.thenAccept
                  .thenAccept(v -> cache.put(key, v))
                  // BUG: Diagnostic contains: CompletionStage.whenCompleteAsync
                  .whenCompleteAsync((v, e) -> errors.add(e))
                  .handle((v, e) -> {
                    // BUG: Diagnostic contains: CompletionStage.handle
                    log.append("done");
                    return v;
                  });
            }
          }
          """);
    }

    @Test
    void threadsAndThreadBuilders() {
      flagged(
          """
          import java.util.*;
          class Test {
            private final List<String> out = new ArrayList<>();
            void run(List<String> items, java.util.concurrent.ThreadFactory factory) {
              for (String item : items) {
                // BUG: Diagnostic contains: new Thread(...)
                new Thread(() -> out.add(item)).start();
                // BUG: Diagnostic contains: Thread.Builder.start
                Thread.ofVirtual().start(() -> out.add(item));
                // BUG: Diagnostic contains: Thread.Builder.unstarted
                Thread.ofPlatform().name("w").unstarted(() -> out.add(item)).start();
                // BUG: Diagnostic contains: Thread.startVirtualThread
                Thread.startVirtualThread(() -> out.remove(item));
                // BUG: Diagnostic contains: ThreadFactory.newThread
                factory.newThread(() -> out.add(item)).start();
              }
            }
          }
          """);
    }

    @Test
    void parallelStreamsForEachAndPeek() {
      flagged(
          """
          import java.util.*;
          import java.util.stream.*;
          class Test {
            void run(List<String> items, boolean big) {
              Map<String, Integer> m = new HashMap<>();
              TreeMap<String, Integer> sorted = new TreeMap<>();
              List<String> seen = new ArrayList<>();
              // BUG: Diagnostic contains: a parallel stream's forEach
              items.parallelStream().forEach(s -> m.put(s, s.length()));
              items.stream().parallel().map(String::trim)
                  // BUG: Diagnostic contains: a parallel stream's peek
                  .peek(s -> seen.add(s))
                  // BUG: Diagnostic contains: a parallel stream's forEach
                  .forEach(s -> sorted.merge(s, 1, Integer::sum));
              Stream<String> s = items.stream();
              if (big) {
                s = s.parallel();
              }
              // BUG: Diagnostic contains: a parallel stream's forEach
              s.forEach(x -> seen.clear());
            }
          }
          """);
    }

    @Test
    void methodReferenceToAMutator() {
      flagged(
          """
          import java.util.*;
          class Test {
            List<String> run(List<String> items) {
              List<String> out = new ArrayList<>();
              // BUG: Diagnostic contains: out is written by a task
              items.parallelStream().filter(s -> !s.isEmpty()).forEach(out::add);
              return out;
            }
          }
          """);
    }

    @Test
    void anonymousClasses() {
      flagged(
          """
          import java.util.*;
          import java.util.concurrent.*;
          class Test {
            private final List<String> out = new ArrayList<>();
            private long count;
            void run(ExecutorService ex, List<String> items) {
              for (String item : items) {
                ex.execute(new Runnable() {
                  @Override public void run() {
                    // BUG: Diagnostic contains: Executor.execute
                    out.add(item);
                  }
                });
              }
              new Thread() {
                @Override public void run() {
                  // BUG: Diagnostic contains: a Thread subclass
                  count++;
                }
              }.start();
            }
          }
          """);
    }

    @Test
    void lambdaReachingTheSinkThroughALocalVariable() {
      flagged(
          """
          import java.util.*;
          import java.util.concurrent.*;
          class Test {
            void run(ExecutorService ex, int n) {
              List<Integer> out = new ArrayList<>();
              // BUG: Diagnostic contains: ExecutorService.submit
              Runnable work = () -> out.add(n);
              for (int i = 0; i < n; i++) {
                ex.submit(work);
              }
            }
          }
          """);
    }

    @Test
    void taskGroupGoAndTryGo() {
      flagged(
          """
          import dev.fanout.*;
          import java.util.*;
          class Test {
            List<String> run(Context ctx, List<String> items) throws Exception {
              List<String> results = new ArrayList<>();
              try (TaskGroup g = TaskGroup.builder().limit(6).open(ctx)) {
                for (String item : items) {
                  // BUG: Diagnostic contains: TaskGroup.go
                  g.go(c -> results.add(item));
                  // BUG: Diagnostic contains: TaskGroup.tryGo
                  g.tryGo(c -> { results.add(item); });
                }
                g.await();
              }
              return results;
            }
          }
          """);
    }

    @Test
    void taskGroupMap() {
      flagged(
          """
          import dev.fanout.*;
          import java.util.*;
          class Test {
            private final Set<String> failed = new HashSet<>();
            List<Integer> run(Context ctx, List<String> items) throws Exception {
              return TaskGroup.map(ctx, 6, items, (c, item) -> {
                // BUG: Diagnostic contains: TaskGroup.map
                if (item.isEmpty()) failed.add(item);
                return item.length();
              });
            }
          }
          """);
    }

    @Test
    void twoSingleTasksWritingTheSameList() {
      flagged(
          """
          import dev.fanout.*;
          import java.util.*;
          class Test {
            List<String> run(Context ctx) throws Exception {
              List<String> results = new ArrayList<>();
              try (TaskGroup g = TaskGroup.withContext(ctx)) {
                // BUG: Diagnostic contains: TaskGroup.go
                g.go(c -> results.add("analyzer"));
                // BUG: Diagnostic contains: TaskGroup.go
                g.go(c -> results.add("forecaster"));
                g.await();
              }
              return results;
            }
          }
          """);
    }

    @Test
    void singleTaskTheSubmitterReadsBeforeJoining() {
      flagged(
          """
          import java.util.*;
          import java.util.concurrent.*;
          class Test {
            int run(ExecutorService ex) throws Exception {
              List<String> out = new ArrayList<>();
              // BUG: Diagnostic contains: ExecutorService.submit
              Future<?> f = ex.submit(() -> { out.add("x"); });
              int early = out.size();
              f.get();
              return early;
            }
          }
          """);
    }

    @Test
    void callbackOnAnotherFutureIsNotOrderedAfterTheTask() {
      flagged(
          """
          import java.util.*;
          import java.util.concurrent.*;
          class Test {
            CompletableFuture<List<String>> run(Executor pool) {
              List<String> out = new ArrayList<>();
              // Another provably async stage: a non-async callback on one of unknown origin is
              // not a task of its own (nonAsyncCallbackOnAFutureOfUnknownOrigin).
              CompletableFuture<Void> other = CompletableFuture.runAsync(() -> {}, pool);
              // BUG: Diagnostic contains: CompletableFuture.runAsync
              CompletableFuture<Void> cf = CompletableFuture.runAsync(() -> out.add("x"));
              // BUG: Diagnostic contains: CompletionStage.thenApply
              return other.thenApply(v -> { out.clear(); return out; });
            }
          }
          """);
    }

    @Test
    void privateHelperOneLevelDeep() {
      flagged(
          """
          import java.util.*;
          import java.util.concurrent.*;
          class Test {
            private final List<String> results = new ArrayList<>();
            private final Map<String, Integer> index;
            Test() { index = new HashMap<>(); }
            void run(List<String> items, ExecutorService ex) {
              items.parallelStream().forEach(s -> collect(s));
              for (String s : items) {
                ex.submit(this::indexAll);
              }
            }
            private void collect(String s) {
              // BUG: Diagnostic contains: results is written by a task run through a parallel stream's forEach
              results.add(s);
            }
            final void indexAll() {
              // BUG: Diagnostic contains: index is written
              index.put("k", 1);
            }
          }
          """);
    }

    @Test
    void valueOfAThreadSafeMap() {
      flagged(
          """
          import java.util.*;
          import java.util.concurrent.*;
          class Test {
            private final Map<String, List<String>> byKey = new ConcurrentHashMap<>();
            void run(List<String> items) {
              items.parallelStream().forEach(s -> {
                // BUG: Diagnostic contains: a value of byKey is written
                byKey.computeIfAbsent(s.substring(0, 1), k -> new ArrayList<>()).add(s);
              });
            }
          }
          """);
    }

    @Test
    void countersOnSharedArrayCellsAndVolatileFields() {
      flagged(
          """
          import java.util.*;
          import java.util.concurrent.*;
          class Test {
            private volatile int done;
            private static long total;
            void run(ExecutorService ex, List<String> items) {
              int[] count = {0};
              for (String s : items) {
                ex.execute(() -> {
                  // BUG: Diagnostic contains: count is written
                  count[0]++;
                  // BUG: Diagnostic contains: done is written
                  ++done;
                  // BUG: Diagnostic contains: total is written
                  total += s.length();
                  // BUG: Diagnostic contains: count is written
                  count[0] -= 1;
                  // BUG: Diagnostic contains: read-modify-write
                  count[0] = count[0] * 2;
                });
              }
            }
          }
          """);
    }

    @Test
    void semaphoreWithSeveralPermitsIsNotALock() {
      flagged(
          """
          import java.util.*;
          import java.util.concurrent.*;
          class Test {
            private final Semaphore slots = new Semaphore(5);
            private int count;
            void run(ExecutorService ex, List<String> items) {
              for (String s : items) {
                ex.execute(() -> {
                  slots.acquireUninterruptibly();
                  try {
                    // BUG: Diagnostic contains: count is written
                    count = count + 1;
                  } finally {
                    slots.release();
                  }
                });
              }
            }
          }
          """);
    }

    @Test
    void plainAssignmentToAFieldThatSeveralTasksWrite() {
      flagged(
          """
          import java.util.*;
          class Test {
            private String winner;
            void run(List<String> items) {
              // BUG: Diagnostic contains: winner is written
              items.parallelStream().forEach(s -> winner = s);
            }
          }
          """);
    }

    @Test
    void everyMutatorKind() {
      flagged(
          """
          import java.util.*;
          class Test {
            private final List<String> list = new ArrayList<>();
            private final Set<String> set = new LinkedHashSet<>();
            private final Deque<String> deque = new ArrayDeque<>();
            private final Queue<String> pq = new PriorityQueue<>();
            private final StringBuilder sb = new StringBuilder();
            private final Map<String, Integer> map = new LinkedHashMap<>();
            void run(List<String> items) {
              items.parallelStream().forEach(s -> {
                // BUG: Diagnostic contains: list is written
                list.addAll(List.of(s));
                // BUG: Diagnostic contains: list is written
                list.removeIf(String::isEmpty);
                // BUG: Diagnostic contains: set is written
                set.remove(s);
                // BUG: Diagnostic contains: deque is written
                deque.offer(s);
                // BUG: Diagnostic contains: deque is written
                deque.poll();
                // BUG: Diagnostic contains: pq is written
                pq.add(s);
                // BUG: Diagnostic contains: sb is written
                sb.append(s).append(',');
                // BUG: Diagnostic contains: map is written
                map.computeIfAbsent(s, String::length);
                // BUG: Diagnostic contains: map is written
                map.putAll(Map.of(s, 1));
                // BUG: Diagnostic contains: list is written
                list.clear();
              });
            }
          }
          """);
    }

    @Test
    void stateOfAnObjectAllTasksShare() {
      flagged(
          """
          import java.util.*;
          import java.util.concurrent.*;
          class Test {
            static final class Stats { final List<String> rows = new ArrayList<>(); int seen; }
            void run(ExecutorService ex, List<String> items) {
              Stats stats = new Stats();
              for (String item : items) {
                ex.execute(() -> {
                  // BUG: Diagnostic contains: stats.rows is written
                  stats.rows.add(item);
                  // BUG: Diagnostic contains: stats.seen is written
                  stats.seen++;
                });
              }
            }
          }
          """);
    }

    @Test
    void lambdaNestedInsideATask() {
      flagged(
          """
          import java.util.*;
          import java.util.concurrent.*;
          class Test {
            void run(ExecutorService ex, List<List<String>> batches) {
              List<String> all = new ArrayList<>();
              for (List<String> batch : batches) {
                // BUG: Diagnostic contains: all is written
                ex.execute(() -> batch.forEach(s -> all.add(s)));
              }
            }
          }
          """);
    }

    @Test
    void fieldWrittenFromASingleUnjoinedTask() {
      flagged(
          """
          import java.util.*;
          import java.util.concurrent.*;
          class Test {
            private final List<String> events = new ArrayList<>();
            void record(ScheduledExecutorService ex, String e) {
              // BUG: Diagnostic contains: ScheduledExecutorService.schedule
              ex.schedule(() -> events.add(e), 1, TimeUnit.SECONDS);
            }
          }
          """);
    }

    @Test
    void executorsThatAreNotProvablySerial() {
      flagged(
          """
          import java.util.*;
          import java.util.concurrent.*;
          class Test {
            private final ExecutorService fixed = Executors.newFixedThreadPool(4);
            protected ExecutorService two;
            void start(int n) { two = Executors.newFixedThreadPool(n); }
            private ExecutorService reset = Executors.newSingleThreadExecutor();
            private final List<String> log = new ArrayList<>();
            void reset() { reset = Executors.newSingleThreadExecutor(); }
            void run(List<String> items, ExecutorService unknown) {
              for (String s : items) {
                // BUG: Diagnostic contains: ExecutorService.submit
                fixed.submit(() -> log.add(s));
                // BUG: Diagnostic contains: ExecutorService.submit
                two.submit(() -> log.add(s));
                // BUG: Diagnostic contains: Executor.execute
                reset.execute(() -> log.add(s));
                // BUG: Diagnostic contains: Executor.execute
                unknown.execute(() -> log.add(s));
                ExecutorService perItem = Executors.newSingleThreadExecutor();
                // BUG: Diagnostic contains: Executor.execute
                perItem.execute(() -> log.add(s));
              }
            }
          }
          """);
    }

    @Test
    void nettyUnorderedEventExecutorIsNotSerial() {
      withSerialStubs()
          .addSourceLines(
              "Test.java",
              """
              import io.netty.util.concurrent.UnorderedThreadPoolEventExecutor;
              import java.util.*;
              class Test {
                private final List<String> log = new ArrayList<>();
                void run(UnorderedThreadPoolEventExecutor pool, List<String> items) {
                  for (String s : items) {
                    // BUG: Diagnostic contains: Executor.execute
                    pool.execute(() -> log.add(s));
                  }
                }
              }
              """)
          .doTest();
    }

    @Test
    void callbacksOnProvablyAsyncStages() {
      flagged(
          """
          import java.util.*;
          import java.util.concurrent.*;
          class Test {
            private final List<String> out = new ArrayList<>();
            void run(List<String> items, CompletableFuture<String> unknown) {
              for (String s : items) {
                // BUG: Diagnostic contains: CompletionStage.thenAccept
                CompletableFuture.supplyAsync(() -> s).thenAccept(out::add);
                CompletableFuture<String> f = CompletableFuture.supplyAsync(() -> s);
                // BUG: Diagnostic contains: CompletionStage.thenAccept
                f.thenApply(v -> v + "!").thenAccept(v -> out.add(v));
                // BUG: Diagnostic contains: CompletionStage.thenAcceptAsync
                unknown.thenAcceptAsync(out::add);
                // BUG: Diagnostic contains: CompletionStage.whenComplete
                unknown.thenApplyAsync(v -> v).whenComplete((v, e) -> out.add(v));
                // BUG: Diagnostic contains: CompletionStage.thenAcceptBoth
                unknown.thenAcceptBoth(f, (a, b) -> out.add(a));
              }
            }
          }
          """);
    }

    @Test
    void plainAssignmentBySeveralTasksIsNotCalledReadModifyWrite() {
      // InternalSubchannel:406: the right-hand side mentions the field only inside a task.
      flagged(
          """
          import java.util.*;
          import java.util.concurrent.*;
          class Test {
            private Runnable task;
            void run(ExecutorService ex, List<String> items) {
              for (String s : items) {
                ex.execute(() -> {
                  // BUG: Diagnostic contains: several tasks assign it, so which write wins is
                  task = later(() -> {
                    // BUG: Diagnostic contains: other threads may not see it
                    task = null;
                  });
                });
              }
            }
            Runnable later(Runnable r) { return r; }
          }
          """);
    }
  }

  // ================================================================ flags

  @Nested
  final class Flags {

    @Test
    void userTaskSink() {
      helper
          .setArgs("-XepOpt:Fanout:TaskSinks=com.acme.Pool#submit")
          .addSourceLines(
              "com/acme/Pool.java",
              """
              package com.acme;
              public class Pool {
                public void submit(Runnable r) { new Thread(r).start(); }
                public void inline(Runnable r) { r.run(); }
              }
              """)
          .addSourceLines(
              "Test.java",
              """
              import com.acme.Pool;
              import java.util.*;
              class Test {
                private final List<String> out = new ArrayList<>();
                void run(Pool pool) {
                  // BUG: Diagnostic contains: com.acme.Pool#submit
                  pool.submit(() -> out.add("x"));
                  pool.inline(() -> out.add("y"));
                }
              }
              """)
          .doTest();
    }

    @Test
    void userSinkUnknownWithoutTheFlag() {
      helper
          .addSourceLines(
              "com/acme/Pool.java",
              """
              package com.acme;
              public class Pool {
                public void submit(Runnable r) { new Thread(r).start(); }
              }
              """)
          .addSourceLines(
              "Test.java",
              """
              import com.acme.Pool;
              import java.util.*;
              class Test {
                private final List<String> out = new ArrayList<>();
                void run(Pool pool) { pool.submit(() -> out.add("x")); }
              }
              """)
          .doTest();
    }

    @Test
    void userThreadSafeType() {
      String[] safeList = {
        "package com.acme;",
        "import java.util.ArrayList;",
        "public class SafeList<E> extends ArrayList<E> {",
        "  @Override public synchronized boolean add(E e) { return super.add(e); }",
        "}"
      };
      helper
          .setArgs("-XepOpt:Fanout:ThreadSafeTypes=com.acme.SafeList")
          .addSourceLines("com/acme/SafeList.java", safeList)
          .addSourceLines(
              "Test.java",
              """
              import com.acme.SafeList;
              import java.util.*;
              class Test {
                void run(List<String> items) {
                  SafeList<String> out = new SafeList<>();
                  items.parallelStream().forEach(out::add);
                }
              }
              """)
          .doTest();
      CompilationTestHelper.newInstance(UnsafeSharedMutationInTask.class, getClass())
          .addSourceLines("com/acme/SafeList.java", safeList)
          .addSourceLines(
              "Test.java",
              """
              import com.acme.SafeList;
              import java.util.*;
              class Test {
                void run(List<String> items) {
                  SafeList<String> out = new SafeList<>();
                  // BUG: Diagnostic contains: out is written
                  items.parallelStream().forEach(out::add);
                }
              }
              """)
          .doTest();
    }

    @Test
    void userSerialExecutors() {
      helper
          .setArgs("-XepOpt:Fanout:SerialExecutors=com.acme.Actor, com.acme.Mailbox")
          .addSourceLines(
              "com/acme/Actor.java",
              """
              package com.acme;
              public class Actor implements java.util.concurrent.Executor {
                @Override public void execute(Runnable r) { r.run(); }
              }
              """)
          .addSourceLines(
              "com/acme/Worker.java",
              """
              package com.acme;
              public final class Worker extends Actor {}
              """)
          .addSourceLines(
              "Test.java",
              """
              import com.acme.*;
              import java.util.*;
              import java.util.concurrent.Executor;
              class Test {
                private final List<String> out = new ArrayList<>();
                void run(Actor actor, Worker worker, Executor plain, List<String> items) {
                  for (String s : items) {
                    actor.execute(() -> out.add(s));
                    worker.execute(() -> out.add(s));
                    // BUG: Diagnostic contains: Executor.execute
                    plain.execute(() -> out.add(s));
                  }
                }
              }
              """)
          .doTest();
    }
  }

  // ================================================================ replacement

  @Nested
  final class Replacement {

    @Test
    void listDeclarationBecomesSynchronizedList() {
      refactoring
          .addInputLines(
              "Test.java",
              """
              import java.util.*;
              import java.util.concurrent.*;
              class Test {
                void run(ExecutorService ex, List<String> items) {
                  List<String> results = new ArrayList<>();
                  for (String item : items) {
                    ex.execute(() -> results.add(item));
                  }
                }
              }
              """)
          .addOutputLines(
              "Test.java",
              """
              import java.util.*;
              import java.util.Collections;
              import java.util.concurrent.*;
              class Test {
                void run(ExecutorService ex, List<String> items) {
                  List<String> results = Collections.synchronizedList(new ArrayList<>());
                  for (String item : items) {
                    ex.execute(() -> results.add(item));
                  }
                }
              }
              """)
          .doTest();
    }

    @Test
    void severalWritesShareOneDeclarationFix() {
      refactoring
          .addInputLines(
              "Test.java",
              """
              import java.util.*;
              class Test {
                private final Collection<String> seen = new ArrayList<>();
                void run(List<String> items) {
                  items.parallelStream().forEach(s -> {
                    seen.add(s);
                    seen.remove(s.trim());
                  });
                }
              }
              """)
          .addOutputLines(
              "Test.java",
              """
              import java.util.*;
              import java.util.Collections;
              class Test {
                private final Collection<String> seen = Collections.synchronizedList(new ArrayList<>());
                void run(List<String> items) {
                  items.parallelStream().forEach(s -> {
                    seen.add(s);
                    seen.remove(s.trim());
                  });
                }
              }
              """)
          .doTest();
    }

    @Test
    void secondFixWrapsTheExpressionLambdaInSynchronized() {
      refactoring
          .setFixChooser(FixChoosers.SECOND)
          .addInputLines(
              "Test.java",
              """
              import java.util.*;
              import java.util.concurrent.*;
              class Test {
                void run(ExecutorService ex, List<String> items) {
                  List<String> results = new ArrayList<>();
                  for (String item : items) {
                    ex.execute(() -> results.add(item));
                  }
                }
              }
              """)
          .addOutputLines(
              "Test.java",
              """
              import java.util.*;
              import java.util.concurrent.*;
              class Test {
                void run(ExecutorService ex, List<String> items) {
                  List<String> results = new ArrayList<>();
                  for (String item : items) {
                    ex.execute(() -> {
                      synchronized (results) {
                        results.add(item);
                      }
                    });
                  }
                }
              }
              """)
          .doTest();
    }

    @Test
    void valueReturningLambdaKeepsItsResult() {
      refactoring
          .addInputLines(
              "Test.java",
              """
              import java.util.*;
              import java.util.concurrent.*;
              class Test {
                private final ArrayList<String> seen = new ArrayList<>();
                void run(ExecutorService ex, List<String> items) throws Exception {
                  List<Future<Boolean>> fs = new ArrayList<>();
                  for (String item : items) {
                    fs.add(ex.submit(() -> seen.add(item)));
                  }
                }
              }
              """)
          .addOutputLines(
              "Test.java",
              """
              import java.util.*;
              import java.util.concurrent.*;
              class Test {
                private final ArrayList<String> seen = new ArrayList<>();
                void run(ExecutorService ex, List<String> items) throws Exception {
                  List<Future<Boolean>> fs = new ArrayList<>();
                  for (String item : items) {
                    fs.add(ex.submit(() -> {
                      synchronized (seen) {
                        return seen.add(item);
                      }
                    }));
                  }
                }
              }
              """)
          .doTest();
    }

    @Test
    void statementInABlockLambdaIsWrapped() {
      refactoring
          .addInputLines(
              "Test.java",
              """
              import java.util.*;
              class Test {
                private final StringBuilder log = new StringBuilder();
                void run(List<String> items) {
                  items.parallelStream().forEach(s -> {
                    String t = s.trim();
                    log.append(t);
                  });
                }
              }
              """)
          .addOutputLines(
              "Test.java",
              """
              import java.util.*;
              class Test {
                private final StringBuilder log = new StringBuilder();
                void run(List<String> items) {
                  items.parallelStream().forEach(s -> {
                    String t = s.trim();
                    synchronized (log) {
                      log.append(t);
                    }
                  });
                }
              }
              """)
          .doTest();
    }

    @Test
    void callChainIsWrappedWhole() {
      refactoring
          .addInputLines(
              "Test.java",
              """
              import java.util.*;
              class Test {
                private final StringBuilder csv = new StringBuilder();
                void run(List<String> items) {
                  items.parallelStream().forEach(s -> {
                    csv.append(s).append(',');
                  });
                }
              }
              """)
          .addOutputLines(
              "Test.java",
              """
              import java.util.*;
              class Test {
                private final StringBuilder csv = new StringBuilder();
                void run(List<String> items) {
                  items.parallelStream().forEach(s -> {
                    synchronized (csv) {
                      csv.append(s).append(',');
                    }
                  });
                }
              }
              """)
          .doTest();
    }

    @Test
    void hashMapBecomesSynchronizedMap() {
      refactoring
          .addInputLines(
              "Test.java",
              """
              import java.util.*;
              class Test {
                private final Map<String, Integer> lengths = new HashMap<>();
                void run(List<String> items) {
                  items.parallelStream().forEach(s -> lengths.put(s, s.length()));
                }
              }
              """)
          .addOutputLines(
              "Test.java",
              """
              import java.util.*;
              import java.util.Collections;
              class Test {
                private final Map<String, Integer> lengths = Collections.synchronizedMap(new HashMap<>());
                void run(List<String> items) {
                  items.parallelStream().forEach(s -> lengths.put(s, s.length()));
                }
              }
              """)
          .doTest();
    }

    @Test
    void nullFreeHashMapMayBecomeConcurrentHashMap() {
      refactoring
          .setFixChooser(FixChoosers.SECOND)
          .addInputLines(
              "Test.java",
              """
              import java.util.*;
              class Test {
                private final Map<String, Integer> hits = new HashMap<String, Integer>(64);
                void run(List<Integer> items) {
                  items.parallelStream().forEach(i -> hits.merge("k" + i, 1, Integer::sum));
                }
                int total() { return hits.size(); }
              }
              """)
          .addOutputLines(
              "Test.java",
              """
              import java.util.*;
              import java.util.concurrent.ConcurrentHashMap;
              class Test {
                private final Map<String, Integer> hits = new ConcurrentHashMap<String, Integer>(64);
                void run(List<Integer> items) {
                  items.parallelStream().forEach(i -> hits.merge("k" + i, 1, Integer::sum));
                }
                int total() { return hits.size(); }
              }
              """)
          .doTest();
    }

    @Test
    void methodReferenceBecomesSynchronizedLambda() {
      refactoring
          .setFixChooser(FixChoosers.SECOND)
          .addInputLines(
              "Test.java",
              """
              import java.util.*;
              class Test {
                List<String> run(List<String> items) {
                  List<String> out = new ArrayList<>();
                  items.parallelStream().forEach(out::add);
                  return out;
                }
              }
              """)
          .addOutputLines(
              "Test.java",
              """
              import java.util.*;
              class Test {
                List<String> run(List<String> items) {
                  List<String> out = new ArrayList<>();
                  items.parallelStream().forEach(item -> {
                    synchronized (out) {
                      out.add(item);
                    }
                  });
                  return out;
                }
              }
              """)
          .doTest();
    }

    @Test
    void fieldCountersLockTheirOwner() {
      refactoring
          .addInputLines(
              "Test.java",
              """
              import java.util.*;
              import java.util.concurrent.*;
              class Test {
                private int count;
                private static long total;
                void run(ExecutorService ex, List<String> items) {
                  for (String s : items) {
                    ex.execute(() -> {
                      count++;
                      total += s.length();
                    });
                    ex.execute(new Runnable() {
                      @Override public void run() {
                        count--;
                      }
                    });
                  }
                }
              }
              """)
          .addOutputLines(
              "Test.java",
              """
              import java.util.*;
              import java.util.concurrent.*;
              class Test {
                private int count;
                private static long total;
                void run(ExecutorService ex, List<String> items) {
                  for (String s : items) {
                    ex.execute(() -> {
                      synchronized (this) {
                        count++;
                      }
                      synchronized (Test.class) {
                        total += s.length();
                      }
                    });
                    ex.execute(new Runnable() {
                      @Override public void run() {
                        synchronized (Test.this) {
                          count--;
                        }
                      }
                    });
                  }
                }
              }
              """)
          .doTest();
    }

    @Test
    void sharedArrayCellLocksTheArray() {
      refactoring
          .addInputLines(
              "Test.java",
              """
              import java.util.*;
              class Test {
                int run(List<String> items) {
                  int[] count = new int[1];
                  items.parallelStream().forEach(s -> count[0]++);
                  return count[0];
                }
              }
              """)
          .addOutputLines(
              "Test.java",
              """
              import java.util.*;
              class Test {
                int run(List<String> items) {
                  int[] count = new int[1];
                  items.parallelStream().forEach(s -> {
                    synchronized (count) {
                      count[0]++;
                    }
                  });
                  return count[0];
                }
              }
              """)
          .doTest();
    }

    @Test
    void mapValuesBecomeSynchronizedLists() {
      refactoring
          .addInputLines(
              "Test.java",
              """
              import java.util.*;
              import java.util.concurrent.*;
              class Test {
                private final Map<String, List<String>> byKey = new ConcurrentHashMap<>();
                void run(List<String> items) {
                  items.parallelStream().forEach(s ->
                      byKey.computeIfAbsent(s.substring(0, 1), k -> new ArrayList<>()).add(s));
                }
              }
              """)
          .addOutputLines(
              "Test.java",
              """
              import java.util.*;
              import java.util.Collections;
              import java.util.concurrent.*;
              class Test {
                private final Map<String, List<String>> byKey = new ConcurrentHashMap<>();
                void run(List<String> items) {
                  items.parallelStream().forEach(s ->
                      byKey.computeIfAbsent(s.substring(0, 1),
                          k -> Collections.synchronizedList(new ArrayList<>())).add(s));
                }
              }
              """)
          .doTest();
    }

    @Test
    void treeMapBecomesSynchronizedNavigableMap() {
      refactoring
          .addInputLines(
              "Test.java",
              """
              import java.util.*;
              class Test {
                void run(List<String> items) {
                  SortedMap<String, Integer> m = new TreeMap<>();
                  items.parallelStream().forEach(s -> m.put(s, 1));
                }
              }
              """)
          .addOutputLines(
              "Test.java",
              """
              import java.util.*;
              import java.util.Collections;
              class Test {
                void run(List<String> items) {
                  SortedMap<String, Integer> m = Collections.synchronizedNavigableMap(new TreeMap<>());
                  items.parallelStream().forEach(s -> m.put(s, 1));
                }
              }
              """)
          .doTest();
    }
  }
}
