package dev.fanout.errorprone;

import static com.google.errorprone.matchers.Matchers.anyOf;
import static com.google.errorprone.matchers.method.MethodMatchers.constructor;
import static com.google.errorprone.matchers.method.MethodMatchers.instanceMethod;
import static com.google.errorprone.matchers.method.MethodMatchers.staticMethod;

import com.google.common.collect.ImmutableSet;
import com.google.errorprone.matchers.Matcher;
import com.sun.source.tree.ExpressionTree;

/**
 * The JDK and library API names the analyses recognise, each list in one place with the reason for
 * each entry (as Error Prone's {@code FutureReturnValueIgnored} keeps its lists). Fanout's own API
 * is in {@link FanoutApi}; the user's additions come through {@link FanoutFlags}; which types are
 * thread-safe is {@link ThreadSafety}'s. The rules that decide whether a call is a task sink (how
 * many times it runs the body, whether serially) are code in {@link TaskSinks#sinkCall}, over the
 * names below.
 */
final class Catalogue {
  private Catalogue() {}

  static final String EXECUTOR = "java.util.concurrent.Executor";
  static final String EXECUTORS = "java.util.concurrent.Executors";
  static final String FUTURE = "java.util.concurrent.Future";
  static final String COMPLETABLE_FUTURE = "java.util.concurrent.CompletableFuture";
  static final String COMPLETION_STAGE = "java.util.concurrent.CompletionStage";

  // ---------------------------------------------------------------- task sinks: structured scopes

  /**
   * {@code StructuredTaskScope} (a preview API on JDK 21-25, named by string so the checker needs
   * no preview flag): {@code fork} starts its {@code Callable} or {@code Runnable} in a new thread
   * (a virtual one by default), concurrently with the scope's other subtasks and with the owner
   * until {@code join}. Its subtasks are tasks like any other.
   */
  static final String STRUCTURED_TASK_SCOPE = "java.util.concurrent.StructuredTaskScope";

  /** The {@code StructuredTaskScope} method that starts a subtask. */
  static final String STRUCTURED_FORK = "fork";

  // ---------------------------------------------------------------- completion-stage callbacks

  /**
   * {@code CompletionStage} methods that take code and run it when a stage completes (their {@code
   * ...Async} forms run it on an executor). Without {@code Async} the code runs on the thread that
   * completes the stage, or at once on the caller's if it is already complete.
   */
  static final ImmutableSet<String> STAGE_CALLBACKS =
      ImmutableSet.of(
          "thenApply", // maps the result
          "thenAccept", // consumes the result
          "thenRun", // runs after completion
          "thenCombine", // after both stages: see TWO_STAGE_CALLBACKS
          "thenAcceptBoth",
          "runAfterBoth",
          "applyToEither", // after either stage
          "acceptEither",
          "runAfterEither",
          "thenCompose", // the function runs on completion; the stage it returns is its own
          "handle", // result or failure
          "whenComplete", // result or failure, passes the result on
          "exceptionally", // on failure only
          "exceptionallyCompose", // on failure only (Java 12+)
          "completeAsync"); // CompletableFuture: runs a supplier on an executor to complete it

  /** The callbacks that run once two stages are done, or one of them: the other is argument 0. */
  static final ImmutableSet<String> TWO_STAGE_CALLBACKS =
      ImmutableSet.of(
          "thenCombine",
          "thenAcceptBoth",
          "runAfterBoth",
          "applyToEither",
          "acceptEither",
          "runAfterEither");

  /** Stage methods whose result completes when (and on the thread where) their receiver does. */
  static final ImmutableSet<String> SAME_COMPLETION =
      ImmutableSet.of(
          "toCompletableFuture", // the same stage, or one completed with it
          "copy", // CompletableFuture: completes normally when the receiver does
          "minimalCompletionStage"); // a read-only view

  /**
   * Stages that complete only after the stage they are called on, so waiting on them waits on it
   * too. Not the {@code either} forms: either stage may complete them. {@code exceptionallyCompose}
   * is not listed; no test covers it yet.
   */
  static final Matcher<ExpressionTree> DEPENDENT_STAGE =
      instanceMethod()
          .onDescendantOf(COMPLETION_STAGE)
          .namedAnyOf(
              "thenApply",
              "thenApplyAsync",
              "thenAccept",
              "thenAcceptAsync",
              "thenRun",
              "thenRunAsync",
              "thenCompose",
              "thenComposeAsync",
              "thenCombine", // waits on both
              "thenCombineAsync",
              "thenAcceptBoth", // waits on both
              "thenAcceptBothAsync",
              "runAfterBoth", // waits on both
              "runAfterBothAsync",
              "handle",
              "handleAsync",
              "whenComplete",
              "whenCompleteAsync",
              "exceptionally", // completes with the receiver's result when it succeeds
              "toCompletableFuture"); // the same stage

  /** Every {@code CompletionStage} method (the {@code ...Async} test is by name, at the caller). */
  static final Matcher<ExpressionTree> ANY_STAGE_METHOD =
      instanceMethod().onDescendantOf(COMPLETION_STAGE);

  /** Static factories that run their code on an executor (the common pool unless one is given). */
  static final Matcher<ExpressionTree> ASYNC_FACTORY =
      staticMethod().onClass(COMPLETABLE_FUTURE).namedAnyOf("runAsync", "supplyAsync");

  // ---------------------------------------------------------------- task sinks: executors

  /** Executor methods that hand it code to run (besides {@code schedule*}). */
  static final ImmutableSet<String> EXECUTOR_SUBMISSIONS =
      ImmutableSet.of(
          "submit", // ExecutorService: one task, a Future back
          "execute", // Executor: one task, nothing back
          "invokeAll", // ExecutorService: a batch, each task concurrently; waits for all
          "invokeAny"); // ExecutorService: a batch; waits for the first success

  /** Executor calls that hand it exactly one task now: the unit a fan-out counts. */
  static final Matcher<ExpressionTree> SINGLE_SUBMIT =
      instanceMethod().onDescendantOf(EXECUTOR).namedAnyOf("submit", "execute");

  // ---------------------------------------------------------------- serial executors

  /**
   * Executor types that run their tasks one at a time, on one thread, so their tasks do not race
   * with each other. Users add theirs with {@code -XepOpt:Fanout:SerialExecutors}.
   */
  static final ImmutableSet<String> SERIAL_EXECUTORS =
      ImmutableSet.of(
          "io.netty.util.concurrent.EventExecutor", // Netty binds a channel and its handlers to one
          "io.grpc.SynchronizationContext", // runs its tasks in order, never two at once
          "io.vertx.core.Context"); // Vert.x: a verticle's tasks run on its one event loop

  /** Subtypes of a serial type that are not serial. */
  static final ImmutableSet<String> NOT_SERIAL =
      ImmutableSet.of(
          "io.netty.util.concurrent.UnorderedThreadPoolEventExecutor"); // a pool, despite the type

  // ---------------------------------------------------------------- pool factories

  /** Factories of pools with exactly one thread. */
  static final Matcher<ExpressionTree> SINGLE_THREAD_FACTORY =
      staticMethod()
          .onClass(EXECUTORS)
          .namedAnyOf("newSingleThreadExecutor", "newSingleThreadScheduledExecutor");

  /** Factories whose first argument is the number of threads: single-threaded when it is 1. */
  static final Matcher<ExpressionTree> SIZED_FACTORY =
      staticMethod().onClass(EXECUTORS).namedAnyOf("newFixedThreadPool", "newScheduledThreadPool");

  /**
   * Factories of pools with a fixed number of threads and an unbounded queue: a task that blocks on
   * work queued behind it can wait forever once every thread does.
   */
  static final Matcher<ExpressionTree> FIXED_POOL_FACTORY =
      anyOf(SINGLE_THREAD_FACTORY, SIZED_FACTORY);

  /** Wrappers that hide a pool's configuration but run on it: the pool is the argument's. */
  static final Matcher<ExpressionTree> UNCONFIGURABLE =
      staticMethod()
          .onClass(EXECUTORS)
          .namedAnyOf("unconfigurableExecutorService", "unconfigurableScheduledExecutorService");

  /** Always at its core size: its queue is unbounded. */
  static final Matcher<ExpressionTree> SCHEDULED_POOL =
      constructor().forClass("java.util.concurrent.ScheduledThreadPoolExecutor");

  /** Bounded or not by its queue: see {@link #HOLDING_QUEUE}. */
  static final Matcher<ExpressionTree> THREAD_POOL =
      constructor().forClass("java.util.concurrent.ThreadPoolExecutor");

  /**
   * Queues that take a task while every thread is busy, so a {@code ThreadPoolExecutor} over them
   * queues the inner work instead of starting a thread for it. With a {@code SynchronousQueue} the
   * pool grows to its maximum and then rejects: a failure, but no deadlock.
   */
  static final Matcher<ExpressionTree> HOLDING_QUEUE =
      anyOf(
          constructor().forClass("java.util.concurrent.LinkedBlockingQueue"),
          constructor().forClass("java.util.concurrent.LinkedBlockingDeque"),
          constructor().forClass("java.util.concurrent.ArrayBlockingQueue"),
          constructor().forClass("java.util.concurrent.PriorityBlockingQueue"),
          constructor().forClass("java.util.concurrent.LinkedTransferQueue"));

  /** Executors that start a new thread for every task: no bound on how many run at once. */
  static final Matcher<ExpressionTree> THREAD_PER_TASK_EXECUTOR =
      staticMethod()
          .onClass(EXECUTORS)
          .namedAnyOf(
              "newVirtualThreadPerTaskExecutor", // Java 21
              "newThreadPerTaskExecutor"); // Java 21, with a ThreadFactory

  // ---------------------------------------------------------------- waiting calls

  /**
   * Names of methods that wait for tasks to finish, on the owners in {@link #JOIN_OWNERS}: a task
   * joined this way is done before the code after the call.
   */
  static final ImmutableSet<String> JOIN_NAMES =
      ImmutableSet.of(
          "get", // Future
          "join", // CompletableFuture, ForkJoinTask, Thread
          "await", // TaskGroup, CountDownLatch, CyclicBarrier
          "awaitTermination", // ExecutorService
          "close", // ExecutorService (Java 19+) and TaskGroup wait for their tasks
          "invokeAll", // ExecutorService: returns when every task is done
          "invokeAny", // ExecutorService: returns when one succeeds (the rest are cancelled)
          "resultNow", // Future (Java 19+): only valid once done
          "arriveAndAwaitAdvance", // Phaser
          "awaitAdvance", // Phaser
          "invoke"); // ForkJoinTask, ForkJoinPool: runs and waits

  /** The types whose {@link #JOIN_NAMES} methods wait (matched on the receiver or declarer). */
  static final ImmutableSet<String> JOIN_OWNERS =
      ImmutableSet.of(
          FUTURE,
          "java.lang.Thread",
          FanoutApi.TASK_GROUP,
          "java.util.concurrent.ExecutorService",
          "java.util.concurrent.CountDownLatch",
          "java.util.concurrent.CyclicBarrier",
          "java.util.concurrent.Phaser",
          "java.util.concurrent.ForkJoinTask",
          "java.util.concurrent.ForkJoinPool");

  /** Waits that block the calling thread on one task's result. */
  static final Matcher<ExpressionTree> FUTURE_WAIT =
      anyOf(
          instanceMethod().onDescendantOf(FUTURE).named("get"), // with or without a timeout
          instanceMethod().onDescendantOf(COMPLETABLE_FUTURE).named("join")); // unchecked get

  /** {@code CompletableFuture.join}: a wait on a future's result without checked exceptions. */
  static final Matcher<ExpressionTree> COMPLETABLE_FUTURE_JOIN =
      instanceMethod().onDescendantOf(COMPLETABLE_FUTURE).named("join");

  /**
   * Calls that hand each element of a collection, in turn, to the function they are given, on the
   * calling thread: a waiting call there ({@code futures.forEach(f -> f.get())}, {@code
   * futures.stream().map(Future::join)}) waits for every element the stream reaches.
   */
  static final Matcher<ExpressionTree> ELEMENT_VISIT =
      anyOf(
          instanceMethod().onDescendantOf("java.lang.Iterable").named("forEach"), // each element
          instanceMethod()
              .onDescendantOf("java.util.stream.Stream")
              .namedAnyOf(
                  "map", // lazy: counted only when a terminal call below drains the stream
                  "forEach", // every element, here or on the stream's threads
                  "forEachOrdered")); // every element, in order

  /**
   * Terminal stream calls that consume every element (no short-circuit like {@code findFirst} or
   * {@code anyMatch}): a {@code map} right before one of these is applied to every element.
   */
  static final Matcher<ExpressionTree> STREAM_DRAIN =
      instanceMethod()
          .onDescendantOf("java.util.stream.Stream")
          .namedAnyOf(
              "collect", // every element into the collector
              "toList", // every element
              "toArray", // every element
              "forEach", // every element
              "forEachOrdered", // every element
              "reduce"); // every element folded; not count, which may skip map (JDK 9+)

  /** {@code Collection.stream()}: a sequential stream over the collection's elements. */
  static final Matcher<ExpressionTree> COLLECTION_STREAM =
      instanceMethod().onDescendantOf("java.util.Collection").named("stream");

  /** Batch submissions that block until their tasks are done. */
  static final Matcher<ExpressionTree> INVOKE =
      instanceMethod()
          .onDescendantOf("java.util.concurrent.ExecutorService")
          .namedAnyOf("invokeAll", "invokeAny");
}
