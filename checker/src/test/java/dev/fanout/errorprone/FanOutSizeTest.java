package dev.fanout.errorprone;

import static com.google.errorprone.BugPattern.SeverityLevel.WARNING;

import com.google.errorprone.BugPattern;
import com.google.errorprone.CompilationTestHelper;
import com.google.errorprone.VisitorState;
import com.google.errorprone.bugpatterns.BugChecker;
import com.google.errorprone.bugpatterns.BugChecker.MethodInvocationTreeMatcher;
import com.google.errorprone.matchers.Description;
import com.google.errorprone.util.ASTHelpers;
import com.sun.source.tree.MethodInvocationTree;
import com.sun.source.tree.MethodTree;
import com.sun.source.tree.VariableTree;
import com.sun.tools.javac.code.Symbol;
import org.junit.jupiter.api.Test;

/**
 * Tests of {@link FanOutSize} through a probe check that reports, at each {@code go} on a local
 * group, the fan-out the analysis sees (limit 4): its bound or "unknown", or "small" when there is
 * no fan-out beyond the limit (the loops around the fork run at most the limit, or none repeats it,
 * or it is a service loop), and whether a limit is set or the group escapes.
 */
final class FanOutSizeTest {

  /** Reports {@link FanOutSize}'s answers at each task start on a local group. */
  @BugPattern(summary = "Reports FanOutSize's answers", severity = WARNING)
  public static final class FanOutSizeProbe extends BugChecker
      implements MethodInvocationTreeMatcher {
    private final FanOutSize size = new FanOutSize(4);

    @Override
    public Description matchMethodInvocation(MethodInvocationTree tree, VisitorState state) {
      if (!TaskGroupModel.isTaskStart(tree, state)) {
        return Description.NO_MATCH;
      }
      Symbol group = ASTHelpers.getSymbol(ASTHelpers.getReceiver(tree));
      VariableTree decl = group == null ? null : UnitIndex.of(state).declaration(group);
      MethodTree method = ASTHelpers.findEnclosingNode(state.getPath(), MethodTree.class);
      if (decl == null || method == null) {
        return Description.NO_MATCH;
      }
      FanOutSize.FanOut fanOut = size.fanOut(state.getPath(), decl, state);
      String says =
          fanOut == null
              ? "small"
              : fanOut.bound() == FanOutSize.UNKNOWN ? "unknown" : "bound=" + fanOut.bound();
      if (fanOut != null
          && FanOutSize.limitedOrEscaped(
              group, method, state.getEndPosition(fanOut.outermost()), state)) {
        says += " limited-or-escaped";
      }
      return buildDescription(tree).setMessage(says).build();
    }
  }

  private final CompilationTestHelper helper =
      CompilationTestHelper.newInstance(FanOutSizeProbe.class, getClass());

  @Test
  void countedLoops() {
    helper
        .addSourceLines(
            "A.java",
            """
            import dev.fanout.*;
            class A {
              void run(Context ctx) throws Exception {
                try (TaskGroup g = TaskGroup.withContext(ctx)) {
                  for (int i = 0; i < 3; i++) {
                    // BUG: Diagnostic contains: small
                    g.go(c -> {});
                  }
                  for (int i = 0; i < 10; i++) {
                    for (int j = 0; j < 10; j++) {
                      // BUG: Diagnostic contains: bound=100
                      g.go(c -> {});
                    }
                  }
                  // BUG: Diagnostic contains: small
                  g.go(c -> {});
                  g.await();
                }
              }
            }
            """)
        .doTest();
  }

  @Test
  void collectionsOfKnownAndUnknownSize() {
    helper
        .addSourceLines(
            "A.java",
            """
            import dev.fanout.*;
            import java.util.List;
            class A {
              void run(Context ctx, List<String> items) throws Exception {
                try (TaskGroup g = TaskGroup.withContext(ctx)) {
                  for (String s : List.of("a", "b")) {
                    // BUG: Diagnostic contains: small
                    g.go(c -> {});
                  }
                  for (String s : items) {
                    // BUG: Diagnostic contains: unknown
                    g.go(c -> {});
                  }
                  // BUG: Diagnostic contains: unknown
                  items.forEach(s -> g.go(c -> {}));
                  g.await();
                }
              }
            }
            """)
        .doTest();
  }

  @Test
  void limitSetBeforeTheLoopEnds() {
    helper
        .addSourceLines(
            "A.java",
            """
            import dev.fanout.*;
            import java.util.List;
            class A {
              void run(Context ctx, List<String> items) throws Exception {
                try (TaskGroup g = TaskGroup.withContext(ctx)) {
                  g.setLimit(8);
                  for (String s : items) {
                    // BUG: Diagnostic contains: unknown limited-or-escaped
                    g.go(c -> {});
                  }
                  g.await();
                }
              }
            }
            """)
        .doTest();
  }

  @Test
  void serviceLoopIsNoFanOut() {
    helper
        .addSourceLines(
            "A.java",
            """
            import dev.fanout.*;
            import java.util.concurrent.BlockingQueue;
            class A {
              void run(Context ctx, BlockingQueue<String> q) throws Exception {
                try (TaskGroup g = TaskGroup.withContext(ctx)) {
                  while (true) {
                    String s = q.take();
                    // BUG: Diagnostic contains: small
                    g.go(c -> {});
                  }
                }
              }
            }
            """)
        .doTest();
  }
}
