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
import com.sun.source.tree.ExpressionTree;
import com.sun.source.tree.MethodInvocationTree;
import com.sun.tools.javac.code.Symbol;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Tests of {@link SharedState} through a probe check that reports, at each {@code add} inside a
 * task, whether the receiver is shared beyond one run of the task and whether the call is guarded.
 */
final class SharedStateTest {

  /** Reports {@link SharedState}'s answers at each {@code x.add(...)} inside a task. */
  @BugPattern(summary = "Reports SharedState's answers", severity = WARNING)
  public static final class SharedStateProbe extends BugChecker
      implements MethodInvocationTreeMatcher {
    private final TaskSinks sinks = new TaskSinks(FanoutFlags.from(ErrorProneFlags.empty()));

    @Override
    public Description matchMethodInvocation(MethodInvocationTree tree, VisitorState state) {
      Symbol method = ASTHelpers.getSymbol(tree);
      ExpressionTree receiver = ASTHelpers.getReceiver(tree);
      Symbol var = receiver == null ? null : ASTHelpers.getSymbol(receiver);
      if (method == null || !method.getSimpleName().contentEquals("add") || var == null) {
        return Description.NO_MATCH;
      }
      List<TaskRuns.TaskRun> runs = new TaskRuns(sinks).tasksRunning(state.getPath(), state);
      if (runs.isEmpty()) {
        return Description.NO_MATCH;
      }
      TaskRuns.TaskRun run = runs.get(0);
      return buildDescription(tree)
          .setMessage(
              "shared="
                  + SharedState.isShared(var, receiver, run, state)
                  + " guarded="
                  + SharedState.isGuarded(state.getPath(), run, state))
          .build();
    }
  }

  private final CompilationTestHelper helper =
      CompilationTestHelper.newInstance(SharedStateProbe.class, getClass());

  @Test
  void capturedLocalAndFieldAreShared() {
    helper
        .addSourceLines(
            "A.java",
            """
            import java.util.ArrayList;
            import java.util.List;
            class A {
              private final List<String> seen = new ArrayList<>();
              void run(List<String> items) {
                List<String> out = new ArrayList<>();
                items.parallelStream().forEach(s -> {
                  // BUG: Diagnostic contains: shared=true guarded=false
                  out.add(s);
                  // BUG: Diagnostic contains: shared=true guarded=false
                  seen.add(s);
                });
              }
            }
            """)
        .doTest();
  }

  @Test
  void taskLocalIsNotShared() {
    helper
        .addSourceLines(
            "A.java",
            """
            import java.util.ArrayList;
            import java.util.List;
            class A {
              void run(List<String> items) {
                items.parallelStream().forEach(s -> {
                  List<String> mine = new ArrayList<>();
                  // BUG: Diagnostic contains: shared=false
                  mine.add(s);
                });
              }
            }
            """)
        .doTest();
  }

  @Test
  void synchronizedBlockGuards() {
    helper
        .addSourceLines(
            "A.java",
            """
            import java.util.ArrayList;
            import java.util.List;
            class A {
              void run(List<String> items) {
                List<String> out = new ArrayList<>();
                items.parallelStream().forEach(s -> {
                  synchronized (out) {
                    // BUG: Diagnostic contains: shared=true guarded=true
                    out.add(s);
                  }
                });
              }
            }
            """)
        .doTest();
  }
}
