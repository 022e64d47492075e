package dev.fanout.errorprone;

import static com.google.errorprone.BugPattern.SeverityLevel.WARNING;

import com.google.errorprone.BugPattern;
import com.google.errorprone.CompilationTestHelper;
import com.google.errorprone.ErrorProneFlags;
import com.google.errorprone.VisitorState;
import com.google.errorprone.bugpatterns.BugChecker;
import com.google.errorprone.bugpatterns.BugChecker.MethodInvocationTreeMatcher;
import com.google.errorprone.matchers.Description;
import com.google.errorprone.util.ASTHelpers;
import com.sun.source.tree.MethodInvocationTree;
import com.sun.tools.javac.code.Symbol;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Tests of {@link JoinOrder} through a probe check that reports, at each {@code add} on a local
 * list inside a task, whether the analysis finds that other code may use the list while the task
 * runs ("concurrent") or not ("ordered").
 */
final class JoinOrderTest {

  /** Reports {@link JoinOrder#isConcurrent}'s answer at each {@code list.add} inside a task. */
  @BugPattern(summary = "Reports JoinOrder's answers", severity = WARNING)
  public static final class JoinOrderProbe extends BugChecker
      implements MethodInvocationTreeMatcher {
    private final TaskSinks sinks = new TaskSinks(FanoutFlags.from(ErrorProneFlags.empty()));
    private final JoinOrder joins = new JoinOrder(sinks);

    @Override
    public Description matchMethodInvocation(MethodInvocationTree tree, VisitorState state) {
      Symbol method = ASTHelpers.getSymbol(tree);
      if (method == null
          || !method.getSimpleName().contentEquals("add")
          || !(ASTHelpers.getReceiver(tree) != null
              && ASTHelpers.getSymbol(ASTHelpers.getReceiver(tree)) instanceof Symbol.VarSymbol)) {
        return Description.NO_MATCH;
      }
      Symbol list = ASTHelpers.getSymbol(ASTHelpers.getReceiver(tree));
      List<TaskRuns.TaskRun> runs = new TaskRuns(sinks).tasksRunning(state.getPath(), state);
      if (runs.isEmpty()) {
        return Description.NO_MATCH;
      }
      boolean concurrent =
          joins.isConcurrent(runs.get(0), new JoinOrder.Written(list, true), state);
      return buildDescription(tree).setMessage(concurrent ? "concurrent" : "ordered").build();
    }
  }

  private final CompilationTestHelper helper =
      CompilationTestHelper.newInstance(JoinOrderProbe.class, getClass());

  @Test
  void joinedBeforeTheSubmitterUsesIt() {
    helper
        .addSourceLines(
            "A.java",
            """
            import java.util.ArrayList;
            import java.util.List;
            import java.util.concurrent.ExecutorService;
            import java.util.concurrent.Future;
            class A {
              int run(ExecutorService pool) throws Exception {
                List<String> out = new ArrayList<>();
                // BUG: Diagnostic contains: ordered
                Future<?> f = pool.submit(() -> out.add("x"));
                f.get();
                return out.size();
              }
            }
            """)
        .doTest();
  }

  @Test
  void usedBeforeTheJoin() {
    helper
        .addSourceLines(
            "A.java",
            """
            import java.util.ArrayList;
            import java.util.List;
            import java.util.concurrent.ExecutorService;
            import java.util.concurrent.Future;
            class A {
              int run(ExecutorService pool) throws Exception {
                List<String> out = new ArrayList<>();
                // BUG: Diagnostic contains: concurrent
                Future<?> f = pool.submit(() -> out.add("x"));
                int n = out.size();
                f.get();
                return n;
              }
            }
            """)
        .doTest();
  }

  @Test
  void joinedAtOnce() {
    helper
        .addSourceLines(
            "A.java",
            """
            import java.util.ArrayList;
            import java.util.List;
            import java.util.concurrent.ExecutorService;
            class A {
              int run(ExecutorService pool) throws Exception {
                List<String> out = new ArrayList<>();
                // BUG: Diagnostic contains: ordered
                pool.submit(() -> out.add("x")).get();
                return out.size();
              }
            }
            """)
        .doTest();
  }

  @Test
  void submittedInALoopWithoutAJoinPerIteration() {
    helper
        .addSourceLines(
            "A.java",
            """
            import java.util.ArrayList;
            import java.util.List;
            import java.util.concurrent.ExecutorService;
            class A {
              List<String> run(ExecutorService pool, List<String> items) {
                List<String> out = new ArrayList<>();
                for (String s : items) {
                  // BUG: Diagnostic contains: concurrent
                  pool.submit(() -> out.add(s));
                }
                return out;
              }
            }
            """)
        .doTest();
  }

  @Test
  void parallelStreamRunsTheBodyManyTimes() {
    helper
        .addSourceLines(
            "A.java",
            """
            import java.util.ArrayList;
            import java.util.List;
            class A {
              List<String> run(List<String> items) {
                List<String> out = new ArrayList<>();
                // BUG: Diagnostic contains: concurrent
                items.parallelStream().forEach(s -> out.add(s));
                return out;
              }
            }
            """)
        .doTest();
  }
}
