package dev.fanout.errorprone;

import static com.google.errorprone.BugPattern.SeverityLevel.WARNING;

import com.google.errorprone.BugPattern;
import com.google.errorprone.CompilationTestHelper;
import com.google.errorprone.VisitorState;
import com.google.errorprone.bugpatterns.BugChecker;
import com.google.errorprone.bugpatterns.BugChecker.TryTreeMatcher;
import com.google.errorprone.matchers.Description;
import com.google.errorprone.util.ASTHelpers;
import com.sun.source.tree.BlockTree;
import com.sun.source.tree.Tree;
import com.sun.source.tree.TryTree;
import com.sun.source.tree.VariableTree;
import com.sun.tools.javac.code.Symbol;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * Tests of {@link AwaitPaths} through a probe check that reports, at each {@code TaskGroup}
 * resource, what the analysis found: whether it decided, whether tasks start, how many awaits, and
 * for each exit (by kind and line) whether a started task must or may reach it unawaited.
 */
final class AwaitPathsTest {

  /** Reports {@link AwaitPaths}' answer for each TaskGroup resource of a try. */
  @BugPattern(summary = "Reports AwaitPaths' answers", severity = WARNING)
  public static final class AwaitPathsProbe extends BugChecker implements TryTreeMatcher {
    @Override
    public Description matchTry(TryTree tree, VisitorState state) {
      for (Tree resource : tree.getResources()) {
        if (!(resource instanceof VariableTree variable)
            || variable.getInitializer() == null
            || !TaskGroupModel.isGroupFactory(
                TaskGroupModel.strip(variable.getInitializer()), state)) {
          continue;
        }
        Symbol group = ASTHelpers.getSymbol(variable);
        BlockTree body = tree.getBlock();
        AwaitPaths paths = AwaitPaths.analyse(group, body, state);
        List<String> exits = new ArrayList<>();
        for (Map.Entry<Tree, AwaitPaths.State> e : paths.exits().entrySet()) {
          AwaitPaths.State s = e.getValue();
          long line =
              state
                  .getPath()
                  .getCompilationUnit()
                  .getLineMap()
                  .getLineNumber(ASTHelpers.getStartPosition(e.getKey()));
          String kind = e.getKey() == body ? "end" : e.getKey().getKind().toString().toLowerCase();
          exits.add(kind + "@" + line + (s.must() ? ":must" : s.may() ? ":may" : ":none"));
        }
        state.reportMatch(
            buildDescription(resource)
                .setMessage(
                    "decided="
                        + paths.decided()
                        + " starts="
                        + paths.startsTasks()
                        + " waitsOtherwise="
                        + paths.ownerWaitsOtherwise()
                        + " awaits="
                        + paths.awaitCount()
                        + " exits="
                        + exits
                        + " report="
                        + paths.unawaitedExits().size())
                .build());
      }
      return Description.NO_MATCH;
    }
  }

  private final CompilationTestHelper helper =
      CompilationTestHelper.newInstance(AwaitPathsProbe.class, getClass());

  @Test
  void awaitedOnEveryPath() {
    helper
        .addSourceLines(
            "A.java",
            """
            import dev.fanout.*;
            class A {
              void run(Context ctx) throws Exception {
                // BUG: Diagnostic contains: decided=true starts=true waitsOtherwise=false awaits=1 exits=[end@5:none] report=0
                try (TaskGroup g = TaskGroup.withContext(ctx)) {
                  g.go(c -> {});
                  g.await();
                }
              }
            }
            """)
        .doTest();
  }

  @Test
  void neverAwaitedReportsEveryExitATaskMayReach() {
    helper
        .addSourceLines(
            "A.java",
            """
            import dev.fanout.*;
            class A {
              void run(Context ctx, boolean fast) throws Exception {
                // BUG: Diagnostic contains: awaits=0 exits=[return@7:none, end@5:may] report=1
                try (TaskGroup g = TaskGroup.withContext(ctx)) {
                  if (fast) {
                    return;
                  }
                  if (ctx.isCancelled()) {
                    g.go(c -> {});
                  }
                }
              }
            }
            """)
        .doTest();
  }

  @Test
  void earlyReturnBetweenForkAndAwaitMustBeUnawaited() {
    helper
        .addSourceLines(
            "A.java",
            """
            import dev.fanout.*;
            class A {
              void run(Context ctx, boolean fast) throws Exception {
                // BUG: Diagnostic contains: awaits=1 exits=[return@8:must, end@5:none] report=1
                try (TaskGroup g = TaskGroup.withContext(ctx)) {
                  g.go(c -> {});
                  if (fast) {
                    return;
                  }
                  g.await();
                }
              }
            }
            """)
        .doTest();
  }

  @Test
  void groupThatEscapesIsUndecided() {
    helper
        .addSourceLines(
            "A.java",
            """
            import dev.fanout.*;
            class A {
              static void keep(TaskGroup g) {}
              void run(Context ctx) throws Exception {
                // BUG: Diagnostic contains: decided=false
                try (TaskGroup g = TaskGroup.withContext(ctx)) {
                  g.go(c -> {});
                  keep(g);
                }
              }
            }
            """)
        .doTest();
  }

  @Test
  void noTaskStarted() {
    helper
        .addSourceLines(
            "A.java",
            """
            import dev.fanout.*;
            class A {
              void run(Context ctx) throws Exception {
                // BUG: Diagnostic contains: decided=true starts=false
                try (TaskGroup g = TaskGroup.withContext(ctx)) {
                  g.setLimit(2);
                }
              }
            }
            """)
        .doTest();
  }
}
