package dev.fanout.errorprone;

import com.google.errorprone.VisitorState;
import com.google.errorprone.util.ASTHelpers;
import com.sun.source.tree.AssignmentTree;
import com.sun.source.tree.BlockTree;
import com.sun.source.tree.ClassTree;
import com.sun.source.tree.DoWhileLoopTree;
import com.sun.source.tree.EnhancedForLoopTree;
import com.sun.source.tree.ExpressionTree;
import com.sun.source.tree.ForLoopTree;
import com.sun.source.tree.IdentifierTree;
import com.sun.source.tree.LambdaExpressionTree;
import com.sun.source.tree.MemberSelectTree;
import com.sun.source.tree.MethodInvocationTree;
import com.sun.source.tree.MethodTree;
import com.sun.source.tree.NewClassTree;
import com.sun.source.tree.StatementTree;
import com.sun.source.tree.Tree;
import com.sun.source.tree.TryTree;
import com.sun.source.tree.VariableTree;
import com.sun.source.tree.WhileLoopTree;
import com.sun.source.util.TreePath;
import com.sun.source.util.TreePathScanner;
import com.sun.tools.javac.code.Symbol;
import com.sun.tools.javac.code.Symbol.MethodSymbol;
import java.util.ArrayList;
import java.util.List;
import org.jspecify.annotations.Nullable;

/**
 * The ordering analysis behind {@link UnsafeSharedMutationInTask}: whether other code may touch
 * what a task writes while the task runs. It may when the sink runs the body many times at once,
 * when the sink is reached repeatedly (a loop or lambda between the variable's declaration and the
 * sink, unless each iteration joins its task), or when the submitter or another task uses the
 * variable before joining the task (the events after the sink, in statement order: a use, a join, a
 * callback registered on the task's handle). A single task joined before anyone else touches its
 * state does not race.
 */
final class JoinOrder {

  /**
   * What a task writes: the variable that decides how many tasks share it ({@code scope}), and
   * whether the write also reads it or depends on its contents ({@code readOrModify}: a mutating
   * call or a counter; false for a plain assignment, which races only with other writes).
   */
  record Written(Symbol scope, boolean readOrModify) {}

  private final TaskSinks sinks;

  JoinOrder(TaskSinks sinks) {
    this.sinks = sinks;
  }

  /**
   * Whether other code may touch the target while the task writes it: the sink runs the body many
   * times, the sink is reached repeatedly (a loop or lambda between the variable's declaration and
   * the sink), or the submitter (or another task) uses it before joining the task.
   */
  boolean isConcurrent(TaskRuns.TaskRun site, Written target, VisitorState state) {
    if (site.sink.many) {
      return true;
    }
    TreePath sinkPath = site.sink.sinkPath;
    if (joinedAtOnce(sinkPath, state)) {
      return false; // ex.submit(...).get(), runAsync(...).join()
    }
    boolean field = !Variables.isMethodScoped(target.scope());
    VariableTree decl = field ? null : Variables.declaration(target.scope(), state);
    if (!field && decl == null) {
      return false;
    }
    int declPos = decl == null ? -1 : ASTHelpers.getStartPosition(decl);
    for (TreePath p = sinkPath.getParentPath(); p != null; p = p.getParentPath()) {
      Tree leaf = p.getLeaf();
      if (!field
          && declPos >= ASTHelpers.getStartPosition(leaf)
          && declPos <= state.getEndPosition(leaf)) {
        break; // reached the scope that declares the local: one per iteration
      }
      if (leaf instanceof LambdaExpressionTree) {
        return true; // the enclosing lambda may run many times
      }
      if (leaf instanceof ForLoopTree
          || leaf instanceof EnhancedForLoopTree
          || leaf instanceof WhileLoopTree
          || leaf instanceof DoWhileLoopTree) {
        // Tasks from several iterations overlap unless each iteration joins its task.
        if (firstEventAfter(sinkPath, leaf, target, state) != Event.JOIN) {
          return true;
        }
      }
      if (leaf instanceof MethodTree || leaf instanceof ClassTree) {
        break;
      }
    }
    return racesWithSubmitter(sinkPath, target, field, decl, state);
  }

  /** Whether the sink's result is waited for in the same expression. */
  private static boolean joinedAtOnce(TreePath sinkPath, VisitorState state) {
    Tree cur = sinkPath.getLeaf();
    for (TreePath p = sinkPath.getParentPath(); p != null; p = p.getParentPath()) {
      Tree leaf = p.getLeaf();
      if (leaf instanceof MemberSelectTree memberSelectTree
          && memberSelectTree.getExpression() == cur) {
        cur = leaf;
        continue;
      }
      if (leaf instanceof MethodInvocationTree methodInvocationTree
          && methodInvocationTree.getMethodSelect() == cur) {
        if (TaskSinks.isJoin(methodInvocationTree, state)) {
          return true;
        }
        cur = leaf;
        continue;
      }
      return false;
    }
    return false;
  }

  /**
   * The first join or use of the target after the sink's statement, up to the end of {@code stop}'s
   * body (a loop); null if none.
   */
  private @Nullable Event firstEventAfter(
      TreePath sinkPath, Tree stop, Written target, VisitorState state) {
    TreePath stmt = sinkPath;
    while (stmt != null && stmt.getLeaf() != stop) {
      TreePath parent = stmt.getParentPath();
      if (parent != null && parent.getLeaf() instanceof BlockTree) {
        List<? extends StatementTree> statements = ((BlockTree) parent.getLeaf()).getStatements();
        for (int i = indexOf(statements, stmt.getLeaf()) + 1; i < statements.size(); i++) {
          List<Event> events =
              events(
                  new TreePath(parent, statements.get(i)),
                  target.scope(),
                  target.readOrModify(),
                  taskHandle(sinkPath),
                  state);
          if (!events.isEmpty()) {
            return events.get(0);
          }
        }
      }
      stmt = parent;
    }
    return null;
  }

  private enum Event {
    TOUCH,
    JOIN,
    CONFLICT
  }

  /**
   * A single task: races only if the code after the sink uses the state before a join, or another
   * task started before it and not yet joined writes it. A field with no join in sight races.
   */
  private boolean racesWithSubmitter(
      TreePath sinkPath,
      Written target,
      boolean field,
      @Nullable VariableTree decl,
      VisitorState state) {
    TreePath stmt = sinkPath;
    while (stmt != null
        && !(stmt.getParentPath() != null && stmt.getParentPath().getLeaf() instanceof BlockTree)) {
      if (stmt.getLeaf() instanceof LambdaExpressionTree
          || stmt.getLeaf() instanceof MethodTree
          || stmt.getLeaf() instanceof ClassTree) {
        return field && target.readOrModify();
      }
      stmt = stmt.getParentPath();
    }
    Symbol handle = taskHandle(sinkPath);
    boolean forwardDone = false;
    boolean backwardDone = false;
    // A field written by one task that is never joined races with whatever else uses the field;
    // a plain assignment only races with another writer.
    boolean unjoinedRaces = field && target.readOrModify();
    boolean anyUse = target.readOrModify();
    while (stmt != null) {
      TreePath blockPath = stmt.getParentPath();
      List<? extends StatementTree> statements = ((BlockTree) blockPath.getLeaf()).getStatements();
      int index = indexOf(statements, stmt.getLeaf());
      if (!forwardDone) {
        for (int i = index + 1; i < statements.size(); i++) {
          List<Event> events =
              events(
                  new TreePath(blockPath, statements.get(i)),
                  target.scope(),
                  anyUse,
                  handle,
                  state);
          Event first = events.isEmpty() ? null : events.get(0);
          if (first == Event.TOUCH || first == Event.CONFLICT) {
            return true;
          }
          if (first == Event.JOIN) {
            forwardDone = true;
            break;
          }
        }
      }
      if (!backwardDone) {
        for (int i = index - 1; i >= 0; i--) {
          List<Event> events =
              events(
                  new TreePath(blockPath, statements.get(i)), target.scope(), false, null, state);
          Event last = events.isEmpty() ? null : events.get(events.size() - 1);
          if (last == Event.CONFLICT) {
            return true;
          }
          if (last == Event.JOIN) {
            backwardDone = true;
            break;
          }
        }
      }
      if (decl != null && statements.contains(decl)) {
        return false; // the local's scope ends here and nothing raced with the task
      }
      if (forwardDone && backwardDone) {
        return false;
      }
      // Climb to the next enclosing statement of a block.
      Tree child = blockPath.getLeaf();
      TreePath q = blockPath.getParentPath();
      while (q != null) {
        Tree leaf = q.getLeaf();
        if (leaf instanceof TryTree tryTree
            && tryTree.getBlock() == child
            && closesJoiningResource(tryTree, state)) {
          forwardDone = true; // leaving try-with-resources on an executor or group joins
        }
        if (leaf instanceof LambdaExpressionTree
            || leaf instanceof MethodTree
            || leaf instanceof ClassTree) {
          return unjoinedRaces && !forwardDone;
        }
        if (q.getParentPath() != null && q.getParentPath().getLeaf() instanceof BlockTree) {
          break;
        }
        child = leaf;
        q = q.getParentPath();
      }
      stmt = q;
    }
    return unjoinedRaces && !forwardDone;
  }

  /**
   * The local that holds the sink's result ({@code var cf = runAsync(...)...}), whose later
   * callbacks run after the task; or null.
   */
  private static @Nullable Symbol taskHandle(TreePath sinkPath) {
    Tree cur = sinkPath.getLeaf();
    TreePath p = sinkPath.getParentPath();
    while (p != null) {
      Tree leaf = p.getLeaf();
      boolean receiverOfCall =
          leaf instanceof MemberSelectTree memberSelectTree
              && memberSelectTree.getExpression() == cur
              && p.getParentPath() != null
              && p.getParentPath().getLeaf() instanceof MethodInvocationTree;
      if (!receiverOfCall) {
        break;
      }
      cur = p.getParentPath().getLeaf();
      p = p.getParentPath().getParentPath();
    }
    if (p != null
        && p.getLeaf() instanceof VariableTree
        && ((VariableTree) p.getLeaf()).getInitializer() == cur) {
      Symbol sym = ASTHelpers.getSymbol(p.getLeaf());
      return sym != null && Variables.isMethodScoped(sym) ? sym : null;
    }
    return null;
  }

  /** A {@code CompletionStage} callback registered on {@code handle}: it runs after the task. */
  private boolean isCallbackOn(MethodInvocationTree call, Symbol handle, VisitorState state) {
    MethodSymbol sym = ASTHelpers.getSymbol(call);
    if (sym == null
        || ASTHelpers.isStatic(sym)
        || !TaskSinks.isSubtype(sym.owner.type, "java.util.concurrent.CompletionStage", state)) {
      return false;
    }
    ExpressionTree root = ASTHelpers.getReceiver(call);
    while (root instanceof MethodInvocationTree) {
      root = ASTHelpers.getReceiver(root);
    }
    return root instanceof IdentifierTree && ASTHelpers.getSymbol(root) == handle;
  }

  private static boolean closesJoiningResource(TryTree tryTree, VisitorState state) {
    for (Tree resource : tryTree.getResources()) {
      if (TaskSinks.joinsOnClose(ASTHelpers.getType(resource), state)) {
        return true;
      }
    }
    return false;
  }

  private static int indexOf(List<? extends StatementTree> statements, Tree statement) {
    for (int i = 0; i < statements.size(); i++) {
      if (statements.get(i) == statement) {
        return i;
      }
    }
    return -1;
  }

  /**
   * In source order: joins, uses of {@code var} (if {@code anyUse}), and sink calls whose tasks use
   * {@code var}. Storing the reference ({@code all.add(list)}, {@code x = list}) isn't a use.
   */
  private List<Event> events(
      TreePath statement,
      Symbol var,
      boolean anyUse,
      @Nullable Symbol taskHandle,
      VisitorState state) {
    List<Event> events = new ArrayList<>();
    new TreePathScanner<Void, Void>() {
      @Override
      public Void visitMethodInvocation(MethodInvocationTree node, Void unused) {
        if (taskHandle != null && isCallbackOn(node, taskHandle, state)) {
          events.add(Event.JOIN); // cf.thenApply(v -> ...) runs after the task: ordered
          return null;
        }
        if (sinks.sinkCall(getCurrentPath(), state) != null && Mentions.of(node, var)) {
          events.add(Event.CONFLICT);
          return null;
        }
        super.visitMethodInvocation(node, null);
        if (TaskSinks.isJoin(node, state)) {
          events.add(Event.JOIN);
        }
        return null;
      }

      @Override
      public Void visitNewClass(NewClassTree node, Void unused) {
        if (sinks.sinkCall(getCurrentPath(), state) != null && Mentions.of(node, var)) {
          events.add(Event.CONFLICT);
          return null;
        }
        return super.visitNewClass(node, null);
      }

      @Override
      public Void visitIdentifier(IdentifierTree node, Void unused) {
        use(node);
        return null;
      }

      @Override
      public Void visitMemberSelect(MemberSelectTree node, Void unused) {
        use(node);
        return super.visitMemberSelect(node, null);
      }

      private void use(ExpressionTree node) {
        if (!anyUse || ASTHelpers.getSymbol(node) != var) {
          return;
        }
        Tree parent = getCurrentPath().getParentPath().getLeaf();
        if (parent instanceof VariableTree
            || (parent instanceof AssignmentTree assignmentTree
                && assignmentTree.getExpression() == node)) {
          return; // aliasing: precision first
        }
        if (parent instanceof MethodInvocationTree methodInvocationTree
            && methodInvocationTree.getArguments().contains(node)) {
          MethodSymbol called = ASTHelpers.getSymbol(methodInvocationTree);
          if (called != null
              && (called.getSimpleName().contentEquals("add")
                  || called.getSimpleName().contentEquals("put"))) {
            return; // storing the reference in another container
          }
        }
        events.add(Event.TOUCH);
      }
    }.scan(statement, null);
    return events;
  }
}
