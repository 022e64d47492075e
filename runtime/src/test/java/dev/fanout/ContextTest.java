package dev.fanout;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.lang.ref.WeakReference;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

@Timeout(60)
class ContextTest {

  @Test
  void backgroundIsNeverCancelledAndHasNoDeadline() {
    Context bg = Context.background();
    assertFalse(bg.isCancelled());
    assertNull(bg.cause());
    assertEquals(Optional.empty(), bg.deadline());
    bg.throwIfCancelled(); // does not throw
    assertSame(bg, Context.background());
    AtomicInteger runs = new AtomicInteger();
    assertFalse(bg.onCancel(runs::incrementAndGet).remove());
    assertEquals(0, runs.get());
  }

  @Test
  void cancelWithCauseIsVisibleAndFirstCauseWins() {
    try (CancellableContext ctx = Context.background().withCancel()) {
      assertFalse(ctx.isCancelled());
      IllegalStateException first = new IllegalStateException("first");
      ctx.cancel(first);
      ctx.cancel(new IllegalStateException("second"));
      ctx.cancel();
      assertTrue(ctx.isCancelled());
      assertSame(first, ctx.cause());
      ContextCancelledException thrown =
          assertThrows(ContextCancelledException.class, ctx::throwIfCancelled);
      assertSame(first, thrown.getCause());
    }
  }

  @Test
  void plainCancelAndCloseGiveCancellationExceptionCause() {
    CancellableContext a = Context.background().withCancel();
    a.cancel();
    assertInstanceOf(CancellationException.class, a.cause());
    CancellableContext b = Context.background().withCancel();
    b.close();
    b.close(); // idempotent
    assertInstanceOf(CancellationException.class, b.cause());
  }

  @Test
  void cancellationPropagatesToDescendantsWithTheSameCause() {
    try (CancellableContext parent = Context.background().withCancel();
        CancellableContext child = parent.withCancel();
        CancellableContext grandchild = child.withTimeout(Duration.ofHours(1))) {
      RuntimeException cause = new RuntimeException("stop");
      parent.cancel(cause);
      assertSame(cause, child.cause());
      assertSame(cause, grandchild.cause());
    }
  }

  @Test
  void childCreatedFromCancelledParentStartsCancelled() {
    CancellableContext parent = Context.background().withCancel();
    RuntimeException cause = new RuntimeException("gone");
    parent.cancel(cause);
    CancellableContext child = parent.withCancel();
    assertTrue(child.isCancelled());
    assertSame(cause, child.cause());
  }

  @Test
  void cancellingAChildNeverAffectsTheParent() {
    try (CancellableContext parent = Context.background().withCancel()) {
      CancellableContext child = parent.withCancel();
      child.cancel(new RuntimeException("child only"));
      assertFalse(parent.isCancelled());
    }
  }

  @Test
  void timeoutCancelsWithDeadlineExceeded() throws InterruptedException {
    try (CancellableContext ctx = Context.background().withTimeout(Duration.ofMillis(50))) {
      assertTrue(ctx.deadline().isPresent());
      CountDownLatch done = new CountDownLatch(1);
      ctx.onCancel(done::countDown);
      assertTrue(done.await(5, TimeUnit.SECONDS), "deadline never fired");
      DeadlineExceededException cause = assertInstanceOf(DeadlineExceededException.class, ctx.cause());
      assertEquals(ctx.deadline().get(), cause.deadline());
    }
  }

  @Test
  void childDeadlineIsTheEarlierOfItsOwnAndItsParents() {
    Instant soon = Instant.now().plusSeconds(60);
    Instant later = soon.plusSeconds(3600);
    try (CancellableContext parent = Context.background().withDeadline(soon);
        CancellableContext tighter = parent.withDeadline(soon.minusSeconds(30));
        CancellableContext looser = parent.withDeadline(later);
        CancellableContext plain = parent.withCancel()) {
      assertEquals(Optional.of(soon), parent.deadline());
      assertEquals(Optional.of(soon.minusSeconds(30)), tighter.deadline());
      assertEquals(Optional.of(soon), looser.deadline());
      assertEquals(Optional.of(soon), plain.deadline());
    }
  }

  @Test
  void parentDeadlineReachesChildWithParentsCause() throws InterruptedException {
    try (CancellableContext parent = Context.background().withTimeout(Duration.ofMillis(30));
        CancellableContext child = parent.withTimeout(Duration.ofHours(1))) {
      CountDownLatch done = new CountDownLatch(1);
      child.onCancel(done::countDown);
      assertTrue(done.await(5, TimeUnit.SECONDS));
      assertInstanceOf(DeadlineExceededException.class, child.cause());
      assertSame(parent.cause(), child.cause());
    }
  }

  @Test
  void pastDeadlineGivesAContextAlreadyCancelled() {
    CancellableContext ctx = Context.background().withDeadline(Instant.now().minusSeconds(1));
    assertTrue(ctx.isCancelled());
    assertInstanceOf(DeadlineExceededException.class, ctx.cause());
    CancellableContext zero = Context.background().withTimeout(Duration.ZERO);
    assertTrue(zero.isCancelled());
  }

  @Test
  void hugeTimeoutsDoNotOverflow() {
    try (CancellableContext ctx = Context.background().withTimeout(Duration.ofSeconds(Long.MAX_VALUE))) {
      assertFalse(ctx.isCancelled());
      assertTrue(ctx.deadline().isPresent());
    }
  }

  @Test
  void badArgumentsFailAtOnce() {
    Context bg = Context.background();
    assertThrows(NullPointerException.class, () -> bg.withTimeout(null));
    assertThrows(NullPointerException.class, () -> bg.withDeadline(null));
    assertThrows(IllegalArgumentException.class, () -> bg.withTimeout(Duration.ofMillis(-1)));
    assertThrows(NullPointerException.class, () -> bg.onCancel(null));
    try (CancellableContext ctx = bg.withCancel()) {
      assertThrows(NullPointerException.class, () -> ctx.cancel(null));
      assertThrows(NullPointerException.class, () -> ctx.onCancel(null));
    }
  }

  @Test
  void onCancelRunsOnceInRegistrationOrder() {
    CancellableContext ctx = Context.background().withCancel();
    List<Integer> order = new ArrayList<>();
    for (int i = 0; i < 5; i++) {
      int n = i;
      ctx.onCancel(() -> order.add(n));
    }
    ctx.cancel();
    ctx.cancel();
    assertEquals(List.of(0, 1, 2, 3, 4), order);
  }

  @Test
  void onCancelAfterCancellationRunsAtOnce() {
    CancellableContext ctx = Context.background().withCancel();
    ctx.cancel();
    AtomicInteger runs = new AtomicInteger();
    Context.Registration r = ctx.onCancel(runs::incrementAndGet);
    assertEquals(1, runs.get());
    assertFalse(r.remove());
  }

  @Test
  void removedCallbackNeverRuns() {
    CancellableContext ctx = Context.background().withCancel();
    AtomicInteger runs = new AtomicInteger();
    Context.Registration r = ctx.onCancel(runs::incrementAndGet);
    assertTrue(r.remove());
    assertFalse(r.remove());
    ctx.cancel();
    assertEquals(0, runs.get());
  }

  @Test
  void throwingCallbackDoesNotStopTheOthersAndReachesTheHandler() throws Exception {
    AtomicReference<Throwable> seen = new AtomicReference<>();
    AtomicInteger after = new AtomicInteger();
    Thread t =
        new Thread(
            () -> {
              CancellableContext ctx = Context.background().withCancel();
              ctx.onCancel(
                  () -> {
                    throw new IllegalStateException("callback broke");
                  });
              ctx.onCancel(after::incrementAndGet);
              ctx.cancel();
            });
    t.setUncaughtExceptionHandler((th, e) -> seen.set(e));
    t.start();
    t.join();
    assertEquals(1, after.get());
    assertNotNull(seen.get());
    assertEquals("callback broke", seen.get().getMessage());
  }

  @Test
  void cancelFromManyThreadsRunsCallbacksExactlyOnce() throws Exception {
    for (int round = 0; round < 200; round++) {
      CancellableContext ctx = Context.background().withCancel();
      AtomicInteger runs = new AtomicInteger();
      ctx.onCancel(runs::incrementAndGet);
      CountDownLatch go = new CountDownLatch(1);
      List<Thread> threads = new ArrayList<>();
      for (int i = 0; i < 4; i++) {
        Thread t =
            new Thread(
                () -> {
                  try {
                    go.await();
                  } catch (InterruptedException e) {
                    return;
                  }
                  ctx.cancel(new RuntimeException());
                });
        t.start();
        threads.add(t);
      }
      go.countDown();
      for (Thread t : threads) {
        t.join();
      }
      assertEquals(1, runs.get());
    }
  }

  /** The bar: a million short-lived children of one parent stay collectable. */
  @Test
  void closedChildrenAreNotRetainedByALongLivedParent() {
    CancellableContext parent = Context.background().withCancel();
    Contexts.Node node = (Contexts.Node) parent;
    List<WeakReference<Context>> sample = new ArrayList<>();
    for (int i = 0; i < 1_000_000; i++) {
      CancellableContext child =
          (i % 3 == 0) ? parent.withTimeout(Duration.ofHours(1)) : parent.withCancel();
      child.close();
      if (i % 100_000 == 0) {
        sample.add(new WeakReference<>(child));
      }
    }
    assertEquals(0, node.pendingCallbacks(), "parent still refers to closed children");
    assertTrue(
        awaitCollected(sample), "closed children are still reachable after GC: something retains them");
    parent.close();
  }

  @Test
  void cancelledTimersDoNotPileUp() {
    for (int i = 0; i < 10_000; i++) {
      Context.background().withTimeout(Duration.ofHours(1)).close();
    }
    // The timer queue drops a cancelled timer at once (remove-on-cancel).
    assertTrue(Contexts.timerQueueSize() < 100, "timer queue: " + Contexts.timerQueueSize());
  }

  static boolean awaitCollected(List<? extends WeakReference<?>> refs) {
    for (int attempt = 0; attempt < 50; attempt++) {
      System.gc();
      if (refs.stream().allMatch(r -> r.get() == null)) {
        return true;
      }
      try {
        Thread.sleep(20);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        return false;
      }
    }
    return false;
  }

  /**
   * A close that loses the race to another canceller (the deadline timer, a sibling's failure)
   * returns only once the context is unlinked from its parent: the stress harness saw a parent
   * still holding a child for a moment after the child's close returned, because only the winner
   * of the race unlinked it.
   */
  @Test
  void closeThatLosesTheRaceToAnotherCancellerStillUnlinksFromTheParent() throws Exception {
    CancellableContext parent = Context.background().withCancel();
    Contexts.Node node = (Contexts.Node) parent;
    AtomicReference<CancellableContext> handOff = new AtomicReference<>();
    Thread rival =
        new Thread(
            () -> {
              for (; ; ) {
                CancellableContext c = handOff.getAndSet(null);
                if (c == parent) {
                  return;
                } else if (c != null) {
                  c.cancel(new IllegalStateException("the rival canceller"));
                }
              }
            });
    rival.start();
    int seen = 0;
    int races = 0;
    try {
      for (int i = 0; i < 200_000 && seen == 0; i++) {
        CancellableContext child = parent.withCancel();
        handOff.set(child);
        while (handOff.get() != null) {
          Thread.onSpinWait(); // the rival has it: cancel now, at the same moment
        }
        child.close();
        if (!(child.cause() instanceof CancellationException)) {
          races++; // the rival won: this close was the loser
        }
        seen = node.pendingCallbacks();
      }
    } finally {
      handOff.set(parent);
      rival.join();
      parent.close();
    }
    assertTrue(races > 0, "the rival never won: the test proved nothing");
    assertEquals(0, seen, "the parent still held a child whose close had returned");
  }
}
