package dev.fanout.errorprone;

import com.google.errorprone.VisitorState;
import com.google.errorprone.fixes.SuggestedFix;
import com.google.errorprone.util.ASTHelpers;
import com.sun.source.tree.BlockTree;
import com.sun.source.tree.EnhancedForLoopTree;
import com.sun.source.tree.ExpressionStatementTree;
import com.sun.source.tree.ExpressionTree;
import com.sun.source.tree.IdentifierTree;
import com.sun.source.tree.LambdaExpressionTree;
import com.sun.source.tree.MethodInvocationTree;
import com.sun.source.tree.NewClassTree;
import com.sun.source.tree.StatementTree;
import com.sun.source.tree.TryTree;
import com.sun.source.tree.VariableTree;
import com.sun.source.util.TreePath;
import com.sun.source.util.TreeScanner;
import com.sun.tools.javac.code.Symbol;
import com.sun.tools.javac.code.Type;
import java.util.concurrent.atomic.AtomicBoolean;
import org.jspecify.annotations.Nullable;

/**
 * errgroup's own remedy for a shared append: a fan-out whose every task appends one result to a
 * fresh local list becomes {@code results.addAll(TaskGroup.map(...))}, results in input order and
 * no lock. Offered only for the exact shape below, where the rewrite keeps behaviour:
 *
 * <pre>{@code
 * List<R> results = new ArrayList<>();          // a local, empty, in the same block
 * try (TaskGroup g = TaskGroup.withContext(parent)) {
 *   for (T x : items) {                         // items: a variable of a List type of T
 *     g.go(c -> results.add(expr));             // the loop's only statement
 *   }
 *   g.await();                                  // the try's only other statement
 * }                                             // no catch, no finally
 * }</pre>
 *
 * <p>{@code map} with no limit (a limit of 2<sup>30</sup> or more means none) fails fast, gives
 * each item the group's derived context and throws as {@code await} does, like the group it
 * replaces. The list stays the same mutable list; it is filled only if every item succeeded, which
 * nothing can observe: it is read only after the try statement, which a failure skips.
 */
final class TaskGroupMapFix {
  private TaskGroupMapFix() {}

  private static final String TASK_GROUP = "dev.fanout.TaskGroup";

  static @Nullable SuggestedFix forAppend(
      ExpressionTree write, TreePath writePath, Symbol var, VisitorState state) {
    if (!(write instanceof MethodInvocationTree add)
        || !Variables.isLocalVariable(var)
        || add.getArguments().size() != 1
        || !ASTHelpers.getSymbol(add).getSimpleName().contentEquals("add")
        || !(ASTHelpers.getReceiver(add) instanceof IdentifierTree receiver)
        || ASTHelpers.getSymbol(receiver) != var) {
      return null;
    }
    // The task: c -> results.add(expr), or c -> { results.add(expr); }.
    TreePath path = writePath.getParentPath();
    if (path.getLeaf() instanceof ExpressionStatementTree) {
      path = path.getParentPath();
      if (!(path.getLeaf() instanceof BlockTree body) || body.getStatements().size() != 1) {
        return null;
      }
      path = path.getParentPath();
    }
    if (!(path.getLeaf() instanceof LambdaExpressionTree task)
        || task.getParameters().size() != 1) {
      return null;
    }
    // g.go(task) as the loop's only statement.
    path = path.getParentPath();
    if (!(path.getLeaf() instanceof MethodInvocationTree go)
        || !isGroupCall(go, "go")
        || !(ASTHelpers.getReceiver(go) instanceof IdentifierTree groupRef)) {
      return null;
    }
    Symbol group = ASTHelpers.getSymbol(groupRef);
    path = path.getParentPath();
    if (!(path.getLeaf() instanceof ExpressionStatementTree goStatement)) {
      return null;
    }
    path = path.getParentPath();
    if (path.getLeaf() instanceof BlockTree loopBody) {
      if (loopBody.getStatements().size() != 1) {
        return null;
      }
      path = path.getParentPath();
    }
    if (!(path.getLeaf() instanceof EnhancedForLoopTree loop)
        || (loop.getStatement() != goStatement && !(loop.getStatement() instanceof BlockTree))
        || !(loop.getExpression() instanceof IdentifierTree items)
        || !iteratesItsOwnElementType(loop, state)) {
      return null;
    }
    // try (TaskGroup g = TaskGroup.withContext(parent)) { loop; g.await(); }
    path = path.getParentPath();
    if (!(path.getLeaf() instanceof BlockTree tryBlock)
        || tryBlock.getStatements().size() != 2
        || tryBlock.getStatements().get(0) != loop
        || !(tryBlock.getStatements().get(1) instanceof ExpressionStatementTree awaitStatement)
        || !(awaitStatement.getExpression() instanceof MethodInvocationTree await)
        || !isGroupCall(await, "await")
        || !(ASTHelpers.getReceiver(await) instanceof IdentifierTree awaitRef)
        || ASTHelpers.getSymbol(awaitRef) != group) {
      return null;
    }
    path = path.getParentPath();
    if (!(path.getLeaf() instanceof TryTree tryTree)
        || !tryTree.getCatches().isEmpty()
        || tryTree.getFinallyBlock() != null
        || tryTree.getResources().size() != 1
        || !(tryTree.getResources().get(0) instanceof VariableTree resource)
        || ASTHelpers.getSymbol(resource) != group
        || !(resource.getInitializer() instanceof MethodInvocationTree open)
        || !isGroupCall(open, "withContext")
        || open.getArguments().size() != 1) {
      return null;
    }
    // The list: declared empty before the try in the same block, untouched until after it.
    path = path.getParentPath();
    if (!(path.getLeaf() instanceof BlockTree enclosing)
        || !declaredEmptyBefore(enclosing, tryTree, var)
        || !onlyUses(enclosing, tryTree, var, add, group, go, await, resource)) {
      return null;
    }
    String replacement =
        state.getSourceForNode(receiver)
            + ".addAll(TaskGroup.map("
            + state.getSourceForNode(open.getArguments().get(0))
            + ", Integer.MAX_VALUE, "
            + state.getSourceForNode(items)
            + ", ("
            + task.getParameters().get(0).getName()
            + ", "
            + loop.getVariable().getName()
            + ") -> "
            + state.getSourceForNode(add.getArguments().get(0))
            + "));";
    return SuggestedFix.builder()
        .setShortDescription("fan out with TaskGroup.map (results in input order, no lock)")
        .replace(tryTree, replacement)
        .build();
  }

  private static boolean isGroupCall(MethodInvocationTree call, String name) {
    Symbol sym = ASTHelpers.getSymbol(call);
    return sym != null
        && sym.getSimpleName().contentEquals(name)
        && sym.owner.getQualifiedName().contentEquals(TASK_GROUP);
  }

  /** The loop iterates a {@code List<T>} and its variable is declared as exactly {@code T}. */
  private static boolean iteratesItsOwnElementType(EnhancedForLoopTree loop, VisitorState state) {
    Type iterated = ASTHelpers.getType(loop.getExpression());
    Type list = state.getSymtab().listType;
    Type variable = ASTHelpers.getType(loop.getVariable());
    if (iterated == null || list == null || variable == null) {
      return false;
    }
    Type asList = state.getTypes().asSuper(iterated, list.tsym);
    return asList != null
        && asList.getTypeArguments().size() == 1
        && state.getTypes().isSameType(asList.getTypeArguments().get(0), variable);
  }

  /**
   * {@code var} is declared with {@code new ArrayList<>()} as a statement before {@code tryTree}.
   */
  private static boolean declaredEmptyBefore(BlockTree block, TryTree tryTree, Symbol var) {
    for (StatementTree statement : block.getStatements()) {
      if (statement == tryTree) {
        return false;
      }
      if (statement instanceof VariableTree decl && ASTHelpers.getSymbol(decl) == var) {
        return decl.getInitializer() instanceof NewClassTree init
            && init.getArguments().isEmpty()
            && init.getClassBody() == null
            && ASTHelpers.getType(init) != null
            && ASTHelpers.getType(init)
                .tsym
                .getQualifiedName()
                .contentEquals("java.util.ArrayList");
      }
    }
    return false;
  }

  /**
   * Before the try's end, {@code var} is named only by its declaration and the append, and the
   * group only by its resource, the {@code go} and the {@code await}.
   */
  private static boolean onlyUses(
      BlockTree block,
      TryTree tryTree,
      Symbol var,
      MethodInvocationTree add,
      Symbol group,
      MethodInvocationTree go,
      MethodInvocationTree await,
      VariableTree resource) {
    AtomicBoolean other = new AtomicBoolean();
    for (StatementTree statement : block.getStatements()) {
      new TreeScanner<Void, Void>() {
        @Override
        public Void visitMethodInvocation(MethodInvocationTree node, Void unused) {
          if (node == add || node == go || node == await) {
            // Their receivers are the allowed uses; their arguments are scanned.
            scan(node.getArguments(), null);
            return null;
          }
          return super.visitMethodInvocation(node, null);
        }

        @Override
        public Void visitIdentifier(IdentifierTree node, Void unused) {
          Symbol sym = ASTHelpers.getSymbol(node);
          if (sym == var || sym == group) {
            other.set(true);
          }
          return null;
        }

        @Override
        public Void visitVariable(VariableTree node, Void unused) {
          if (node == resource) {
            scan(node.getInitializer(), null);
            return null;
          }
          return super.visitVariable(node, null);
        }
      }.scan(statement, null);
      if (statement == tryTree) {
        break;
      }
    }
    return !other.get();
  }
}
