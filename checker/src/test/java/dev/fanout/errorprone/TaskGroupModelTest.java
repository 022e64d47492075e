package dev.fanout.errorprone;

import static com.google.errorprone.BugPattern.SeverityLevel.WARNING;

import com.google.errorprone.BugPattern;
import com.google.errorprone.CompilationTestHelper;
import com.google.errorprone.VisitorState;
import com.google.errorprone.bugpatterns.BugChecker;
import com.google.errorprone.bugpatterns.BugChecker.MethodInvocationTreeMatcher;
import com.google.errorprone.bugpatterns.BugChecker.VariableTreeMatcher;
import com.google.errorprone.matchers.Description;
import com.google.errorprone.util.ASTHelpers;
import com.sun.source.tree.ExpressionTree;
import com.sun.source.tree.MethodInvocationTree;
import com.sun.source.tree.MethodTree;
import com.sun.source.tree.Tree;
import com.sun.source.tree.VariableTree;
import com.sun.tools.javac.code.Symbol;
import com.sun.tools.javac.code.Symbol.VarSymbol;
import org.junit.jupiter.api.Test;

/**
 * Tests of {@link TaskGroupModel} through a probe check that reports what the model answers, so
 * that the checks built on the model can rely on each answer.
 */
final class TaskGroupModelTest {

  /** Reports, at each call and local variable, what {@link TaskGroupModel} says about it. */
  @BugPattern(summary = "Reports TaskGroupModel's answers", severity = WARNING)
  public static final class ModelProbe extends BugChecker
      implements MethodInvocationTreeMatcher, VariableTreeMatcher {

    @Override
    public Description matchMethodInvocation(MethodInvocationTree tree, VisitorState state) {
      StringBuilder says = new StringBuilder();
      if (TaskGroupModel.isTaskStart(tree, state)) {
        says.append("task-start ");
        TaskGroupModel.taskBody(tree, state)
            .ifPresentOrElse(
                b -> says.append(b.kind()).append(" param=").append(b.contextSymbol()).append(' '),
                () -> says.append("body-not-visible "));
        TaskGroupModel.groupParent(
                ASTHelpers.getReceiver(tree), state.getPath().getCompilationUnit(), state)
            .ifPresent(p -> says.append("group-parent=").append(p).append(' '));
      }
      if (TaskGroupModel.isGroupFactory(tree, state)) {
        says.append("factory parent=")
            .append(TaskGroupModel.factoryParent(tree, state).orElse(null))
            .append(' ');
      }
      if (TaskGroupModel.isGroupContextCall(tree, state)) {
        says.append("group-context ");
      }
      if (TaskGroupModel.isBackgroundCall(tree, state)) {
        says.append("background ");
      }
      TaskGroupModel.derivationReceiver(tree, state)
          .ifPresent(
              r ->
                  says.append("derived root=")
                      .append(TaskGroupModel.contextRoot(tree, state))
                      .append(' '));
      return says.length() == 0
          ? Description.NO_MATCH
          : buildDescription(tree).setMessage(says.toString().trim()).build();
    }

    /**
     * For a local Context: is it derived from the method's first parameter; may it be g.context()?
     */
    @Override
    public Description matchVariable(VariableTree tree, VisitorState state) {
      VarSymbol sym = ASTHelpers.getSymbol(tree);
      if (sym == null
          || !Variables.isLocalVariable(sym)
          || !TaskGroupModel.isContextType(sym.type, state)) {
        return Description.NO_MATCH;
      }
      MethodTree method = ASTHelpers.findEnclosingNode(state.getPath(), MethodTree.class);
      if (method == null || method.getParameters().isEmpty()) {
        return Description.NO_MATCH;
      }
      Symbol first = ASTHelpers.getSymbol(method.getParameters().get(0));
      Tree root = TaskGroupModel.searchRootFor(sym, state.getPath());
      ExpressionTree init = tree.getInitializer();
      return buildDescription(tree)
          .setMessage(
              "derived-from-first-param="
                  + (init != null && TaskGroupModel.isDerivedFrom(init, first, root, state))
                  + " may-hold-group-context="
                  + TaskGroupModel.mayHoldGroupContext(sym, root, state))
          .build();
    }
  }

  private final CompilationTestHelper helper =
      CompilationTestHelper.newInstance(ModelProbe.class, getClass());

  @Test
  void groupsTasksAndContexts() {
    helper
        .addSourceLines(
            "A.java",
            """
            package demo;
            import dev.fanout.*;
            import java.time.Duration;
            class A {
              void run(Context ctx) throws Exception {
                // BUG: Diagnostic contains: factory parent=ctx
                try (TaskGroup g = TaskGroup.withContext(ctx);
                    // BUG: Diagnostic contains: factory parent=ctx.withCancel()
                    TaskGroup h = TaskGroup.builder().limit(2).open(ctx.withCancel())) {
                  // BUG: Diagnostic contains: task-start LAMBDA param=c group-parent=ctx
                  g.go(c -> {});
                  // BUG: Diagnostic contains: task-start METHOD_REFERENCE param=mine
                  h.tryGo(this::step);
                  // BUG: Diagnostic contains: task-start ANONYMOUS_CLASS param=x
                  g.go(new Task() { @Override public void run(Context x) {} });
                  Task t = c -> {};
                  // BUG: Diagnostic contains: task-start body-not-visible
                  g.go(t);
                  // BUG: Diagnostic contains: group-context
                  Context gc = g.context();
                }
              }
              private void step(Context mine) {}
            }
            """)
        .doTest();
  }

  @Test
  void derivationsAndOrigins() {
    helper
        .addSourceLines(
            "A.java",
            """
            package demo;
            import dev.fanout.*;
            import java.time.Duration;
            class A {
              void run(Context ctx, Context other) throws Exception {
                // BUG: Diagnostic contains: derived-from-first-param=true may-hold-group-context=false
                Context a = ctx;
                // BUG: Diagnostic contains: derived-from-first-param=true may-hold-group-context=false
                Context b = (
                    // BUG: Diagnostic contains: derived root=a
                    a.withTimeout(Duration.ofSeconds(1))
                        // BUG: Diagnostic contains: derived root=a
                        .withCancel());
                // BUG: Diagnostic contains: derived-from-first-param=false may-hold-group-context=false
                Context c = other;
                // BUG: Diagnostic contains: factory parent=ctx
                try (TaskGroup g = TaskGroup.withContext(ctx)) {
                  // BUG: Diagnostic contains: derived-from-first-param=false may-hold-group-context=true
                  Context d =
                      // BUG: Diagnostic contains: group-context
                      g.context()
                          // BUG: Diagnostic contains: derived root=g.context()
                          .withCancel();
                  // BUG: Diagnostic contains: derived-from-first-param=false may-hold-group-context=true
                  Context e = d;
                }
                // BUG: Diagnostic contains: derived-from-first-param=false may-hold-group-context=false
                Context f =
                    // BUG: Diagnostic contains: background
                    Context.background();
              }
            }
            """)
        .doTest();
  }
}
