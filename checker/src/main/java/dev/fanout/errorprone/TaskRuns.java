package dev.fanout.errorprone;

import com.google.errorprone.VisitorState;
import com.google.errorprone.util.ASTHelpers;
import com.sun.source.tree.ClassTree;
import com.sun.source.tree.ExpressionTree;
import com.sun.source.tree.IdentifierTree;
import com.sun.source.tree.LambdaExpressionTree;
import com.sun.source.tree.MemberReferenceTree;
import com.sun.source.tree.MethodInvocationTree;
import com.sun.source.tree.MethodTree;
import com.sun.source.tree.NewClassTree;
import com.sun.source.tree.Tree;
import com.sun.source.util.TreePath;
import com.sun.tools.javac.code.Symbol.MethodSymbol;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import javax.lang.model.element.Modifier;
import org.jspecify.annotations.Nullable;

/**
 * Knows which tasks run a piece of code: the task body around it, or, for code in a helper method,
 * the tasks that call the helper. Built on {@link TaskSinks}, which knows which calls are sinks.
 */
final class TaskRuns {

  private final TaskSinks sinks;

  TaskRuns(TaskSinks sinks) {
    this.sinks = sinks;
  }

  /**
   * A task that runs some code: the task body and its sink, and for code in a helper method the
   * call (or method reference) from the task that reaches the helper.
   */
  static final class TaskRun {
    /** The task body: a lambda, a method reference, or the creation of an anonymous class. */
    final TreePath body;

    final TaskSinks.SinkUse sink;

    /** The call of (or reference to) the helper that holds the code, or null. */
    final @Nullable TreePath callSite;

    /** The private or final method that holds the code, or null. */
    final @Nullable TreePath helper;

    TaskRun(
        TreePath body,
        TaskSinks.SinkUse sink,
        @Nullable TreePath callSite,
        @Nullable TreePath helper) {
      this.body = body;
      this.sink = sink;
      this.callSite = callSite;
      this.helper = helper;
    }
  }

  /**
   * The tasks that run the code at {@code codePath}: the nearest enclosing task body (a lambda or
   * anonymous class that is not one runs as part of the code around it, like a sequential {@code
   * forEach}); for code in a private or final method, one task per call of it (or reference to it)
   * from a task body of the same class, one level deep. Empty if no task is known to run it.
   */
  List<TaskRun> tasksRunning(TreePath codePath, VisitorState state) {
    List<TaskRun> runs = new ArrayList<>();
    tasksRunning(codePath, state, true, runs);
    return runs;
  }

  private void tasksRunning(
      TreePath codePath, VisitorState state, boolean allowHop, List<TaskRun> runs) {
    if (codePath.getLeaf() instanceof MemberReferenceTree) {
      TaskSinks.SinkUse direct = sinks.sinkOf(codePath, state);
      if (direct != null) {
        runs.add(new TaskRun(codePath, direct, null, null));
        return;
      }
    }
    for (TreePath p = codePath.getParentPath(); p != null; p = p.getParentPath()) {
      Tree leaf = p.getLeaf();
      if (leaf instanceof LambdaExpressionTree) {
        TaskSinks.SinkUse sink = sinks.sinkOf(p, state);
        if (sink != null) {
          runs.add(new TaskRun(p, sink, null, null));
          return;
        }
        continue; // a lambda inside a task (e.g. a sequential forEach) runs in that task
      }
      if (leaf instanceof ClassTree) {
        TreePath parent = p.getParentPath();
        if (parent != null && parent.getLeaf() instanceof NewClassTree) {
          TaskSinks.SinkUse sink = sinks.sinkOf(parent, state);
          if (sink != null) {
            runs.add(new TaskRun(parent, sink, null, null));
            return;
          }
          continue;
        }
        return;
      }
      if (leaf instanceof MethodTree methodTree) {
        TreePath classPath = p.getParentPath();
        if (classPath != null
            && classPath.getParentPath() != null
            && classPath.getParentPath().getLeaf() instanceof NewClassTree) {
          continue; // a method of an anonymous class: decided at the class
        }
        if (!allowHop || classPath == null || !(classPath.getLeaf() instanceof ClassTree)) {
          return;
        }
        MethodSymbol method = ASTHelpers.getSymbol(methodTree);
        if (method == null || method.isConstructor() || !isPrivateOrFinal(method)) {
          return;
        }
        callSiteTasks(method, classPath, p, state, runs);
        return;
      }
    }
  }

  /** The tasks of the same class that call {@code method} or pass a reference to it to a sink. */
  private void callSiteTasks(
      MethodSymbol method,
      TreePath classPath,
      TreePath helperPath,
      VisitorState state,
      List<TaskRun> runs) {
    Tree cls = classPath.getLeaf();
    int start = ASTHelpers.getStartPosition(cls);
    int end = state.getEndPosition(cls);
    for (TreePath use : UnitIndex.of(state).usesOf(method)) {
      int pos = ASTHelpers.getStartPosition(use.getLeaf());
      if (pos < start || pos > end) {
        continue; // same class only
      }
      Tree leaf = use.getLeaf();
      if (leaf instanceof MethodInvocationTree methodInvocationTree) {
        if (!onSameInstance(methodInvocationTree)) {
          continue;
        }
        List<TaskRun> callers = new ArrayList<>();
        tasksRunning(use, state, false, callers);
        for (TaskRun caller : callers) {
          runs.add(new TaskRun(caller.body, caller.sink, use, helperPath));
        }
      } else if (leaf instanceof MemberReferenceTree) {
        TaskSinks.SinkUse sink = sinks.sinkOf(use, state);
        if (sink != null) {
          runs.add(new TaskRun(use, sink, use, helperPath));
        }
      }
    }
  }

  private static boolean isPrivateOrFinal(MethodSymbol method) {
    Set<Modifier> mods = method.getModifiers();
    return mods.contains(Modifier.PRIVATE) || mods.contains(Modifier.FINAL);
  }

  /** A call with no receiver, on {@code this}, or of a static method. */
  private static boolean onSameInstance(MethodInvocationTree call) {
    ExpressionTree receiver = ASTHelpers.getReceiver(call);
    MethodSymbol sym = ASTHelpers.getSymbol(call);
    return receiver == null
        || (receiver instanceof IdentifierTree identifierTree
            && identifierTree.getName().contentEquals("this"))
        || (sym != null && sym.isStatic());
  }
}
