package dev.fanout;

import java.lang.reflect.Method;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.atomic.AtomicLong;

/** The default thread factory: virtual threads on Java 21+, daemon platform threads before. */
final class Threads {
  private Threads() {}

  static final ThreadFactory DEFAULT = make();

  /** Whether {@link #DEFAULT} makes virtual threads. */
  static final boolean VIRTUAL = DEFAULT instanceof Object && isVirtualFactory(DEFAULT);

  private static ThreadFactory make() {
    ThreadFactory virtual = virtualThreadFactory();
    if (virtual != null) {
      return virtual;
    }
    AtomicLong counter = new AtomicLong();
    return r -> {
      Thread t = new Thread(r, "fanout-worker-" + counter.incrementAndGet());
      t.setDaemon(true);
      return t;
    };
  }

  /** {@code Thread.ofVirtual().factory()} where it exists; compiled against Java 17. */
  private static ThreadFactory virtualThreadFactory() {
    try {
      Object builder = Thread.class.getMethod("ofVirtual").invoke(null);
      Method factory = Class.forName("java.lang.Thread$Builder").getMethod("factory");
      return (ThreadFactory) factory.invoke(builder);
    } catch (ReflectiveOperationException | RuntimeException e) {
      return null;
    }
  }

  private static boolean isVirtualFactory(ThreadFactory f) {
    try {
      Thread t = f.newThread(() -> {});
      return (Boolean) Thread.class.getMethod("isVirtual").invoke(t);
    } catch (ReflectiveOperationException | RuntimeException e) {
      return false;
    }
  }
}
