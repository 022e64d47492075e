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
import com.sun.source.tree.MethodTree;
import com.sun.tools.javac.code.Symbol;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Tests of {@link TaskRuns} through a probe check that reports, at each call of {@code mark()},
 * which tasks run it: the sink kind of each task, and the helper that holds the call if any.
 */
final class TaskRunsTest {

  /** Reports {@link TaskRuns}'s answer at each call of a method named {@code mark}. */
  @BugPattern(summary = "Reports TaskRuns' answers", severity = WARNING)
  public static final class TaskRunsProbe extends BugChecker
      implements MethodInvocationTreeMatcher {
    private final TaskRuns taskRuns =
        new TaskRuns(new TaskSinks(FanoutFlags.from(ErrorProneFlags.empty())));

    @Override
    public Description matchMethodInvocation(MethodInvocationTree tree, VisitorState state) {
      Symbol method = ASTHelpers.getSymbol(tree);
      if (method == null || !method.getSimpleName().contentEquals("mark")) {
        return Description.NO_MATCH;
      }
      List<String> says = new ArrayList<>();
      for (TaskRuns.TaskRun run : taskRuns.tasksRunning(state.getPath(), state)) {
        String helper =
            run.helper == null ? "none" : ((MethodTree) run.helper.getLeaf()).getName().toString();
        says.add(run.body.getLeaf().getKind() + " helper=" + helper);
      }
      return buildDescription(tree).setMessage("runs=" + says).build();
    }
  }

  private final CompilationTestHelper helper =
      CompilationTestHelper.newInstance(TaskRunsProbe.class, getClass());

  @Test
  void taskBodiesAndPrivateHelpersOneLevelDeep() {
    helper
        .addSourceLines(
            "T.java",
            "import java.util.concurrent.ExecutorService;",
            "class T {",
            "  static void mark() {}",
            "  void direct(ExecutorService ex) {",
            "    // BUG: Diagnostic contains: runs=[]",
            "    mark();",
            "    ex.submit(() -> {",
            "      // BUG: Diagnostic contains: runs=[LAMBDA_EXPRESSION helper=none]",
            "      mark();",
            "    });",
            "    ex.execute(new Runnable() {",
            "      @Override public void run() {",
            "        // BUG: Diagnostic contains: runs=[NEW_CLASS helper=none]",
            "        mark();",
            "      }",
            "    });",
            "    ex.submit(() -> helper());",
            "    ex.submit(() -> helper());",
            "    ex.submit(this::helper);",
            "    ex.submit(() -> open());",
            "    ex.submit(() -> outer());",
            "  }",
            "  private void helper() {",
            "    // BUG: Diagnostic contains: runs=[LAMBDA_EXPRESSION helper=helper, LAMBDA_EXPRESSION helper=helper,"
                + " MEMBER_REFERENCE helper=helper]",
            "    mark();",
            "  }",
            "  void open() {",
            "    // BUG: Diagnostic contains: runs=[]",
            "    mark();",
            "  }",
            "  private void outer() { inner(); }",
            "  private void inner() {",
            "    // BUG: Diagnostic contains: runs=[]",
            "    mark();",
            "  }",
            "}")
        .doTest();
  }
}
