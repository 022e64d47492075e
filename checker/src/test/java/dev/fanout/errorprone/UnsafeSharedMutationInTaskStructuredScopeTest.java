package dev.fanout.errorprone;

import com.google.errorprone.CompilationTestHelper;
import org.junit.jupiter.api.Test;

/**
 * {@code StructuredTaskScope.fork} as a task sink for {@link UnsafeSharedMutationInTask}. The API
 * is a preview on JDK 21-25, so these sources compile with {@code --enable-preview} at the running
 * JDK's release (the build runs its tests on JDK 25, whose API is {@code
 * StructuredTaskScope.open()} and {@code fork(Callable)}). Negatives first.
 */
final class UnsafeSharedMutationInTaskStructuredScopeTest {

  private final CompilationTestHelper helper =
      CompilationTestHelper.newInstance(UnsafeSharedMutationInTask.class, getClass())
          .setArgs("--enable-preview", "--release", Integer.toString(Runtime.version().feature()));

  @Test
  void subtaskLocalAndThreadSafeStateStaySilent() {
    helper
        .addSourceLines(
            "Test.java",
            """
            import java.util.*;
            import java.util.concurrent.*;
            import java.util.concurrent.StructuredTaskScope.Subtask;
            class Test {
              private final List<String> safe = new CopyOnWriteArrayList<>();
              List<Integer> run(List<String> items) throws InterruptedException {
                List<Subtask<Integer>> subtasks = new ArrayList<>();
                try (var scope = StructuredTaskScope.open()) {
                  for (String item : items) {
                    subtasks.add(scope.fork(() -> {
                      List<String> local = new ArrayList<>();
                      local.add(item);
                      safe.add(item);
                      return local.size();
                    }));
                  }
                  scope.join();
                }
                List<Integer> sizes = new ArrayList<>();
                for (Subtask<Integer> s : subtasks) {
                  sizes.add(s.get());
                }
                return sizes;
              }
            }
            """)
        .doTest();
  }

  @Test
  void subtasksAppendingToOneSharedListAreFlagged() {
    helper
        .addSourceLines(
            "Test.java",
            """
            import java.util.*;
            import java.util.concurrent.*;
            class Test {
              private final List<String> out = new ArrayList<>();
              private int done;
              void run(List<String> items) throws InterruptedException {
                try (var scope = StructuredTaskScope.open()) {
                  for (String item : items) {
                    scope.fork(() -> {
                      // BUG: Diagnostic contains: StructuredTaskScope.fork
                      out.add(item);
                      // BUG: Diagnostic contains: StructuredTaskScope.fork
                      done++;
                      return item;
                    });
                  }
                  scope.join();
                }
              }
            }
            """)
        .doTest();
  }
}
