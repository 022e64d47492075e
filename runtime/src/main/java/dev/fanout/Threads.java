package dev.fanout;

import java.lang.invoke.MethodHandle;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.MethodType;
import java.lang.reflect.Method;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.atomic.AtomicLong;

/** The default thread factory: virtual threads on Java 21+, daemon platform threads before. */
final class Threads {
  private Threads() {}

  static final ThreadFactory DEFAULT = make();

  /** {@code Thread::isVirtual} where it exists (Java 21+), else null. */
  private static final MethodHandle IS_VIRTUAL = isVirtualHandle();

  private static MethodHandle isVirtualHandle() {
    try {
      return MethodHandles.publicLookup()
          .findVirtual(Thread.class, "isVirtual", MethodType.methodType(boolean.class));
    } catch (ReflectiveOperationException e) {
      return null;
    }
  }

  /** Whether {@code t} is a virtual thread; always false before Java 21. */
  static boolean isVirtual(Thread t) {
    if (IS_VIRTUAL == null) {
      return false;
    }
    try {
      return (boolean) IS_VIRTUAL.invokeExact(t);
    } catch (Throwable e) {
      return false;
    }
  }

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

}
