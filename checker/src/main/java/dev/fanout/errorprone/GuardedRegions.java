package dev.fanout.errorprone;

import com.google.errorprone.VisitorState;
import com.google.errorprone.util.ASTHelpers;
import com.sun.source.tree.BlockTree;
import com.sun.source.tree.ExpressionStatementTree;
import com.sun.source.tree.ExpressionTree;
import com.sun.source.tree.IfTree;
import com.sun.source.tree.MethodInvocationTree;
import com.sun.source.tree.MethodTree;
import com.sun.source.tree.StatementTree;
import com.sun.source.tree.SynchronizedTree;
import com.sun.source.tree.Tree;
import com.sun.source.util.TreePath;
import com.sun.source.util.TreeScanner;
import com.sun.tools.javac.code.Symbol.MethodSymbol;
import javax.lang.model.element.Modifier;
import org.jspecify.annotations.Nullable;

/**
 * Knows whether code runs while a lock is held: inside a {@code synchronized} block or method, or
 * after {@code lock.lock()} (or inside {@code if (lock.tryLock())}) on a {@code
 * java.util.concurrent.locks.Lock}. Any monitor counts: the check stays silent rather than guess
 * which lock was meant.
 */
final class GuardedRegions {
  private GuardedRegions() {}

  private static final String LOCK = "java.util.concurrent.locks.Lock";

  /**
   * Whether the leaf of {@code path} is guarded by a lock taken between it and {@code stop} (the
   * task body or method whose code we look at; {@code stop} itself is included if it is a
   * synchronized method).
   */
  static boolean isGuarded(TreePath path, @Nullable Tree stop, VisitorState state) {
    Tree child = path.getLeaf();
    for (TreePath p = path.getParentPath(); p != null; p = p.getParentPath()) {
      Tree leaf = p.getLeaf();
      if (leaf instanceof SynchronizedTree && ((SynchronizedTree) leaf).getBlock() == child) {
        return true;
      }
      if (leaf instanceof MethodTree
          && ((MethodTree) leaf).getModifiers().getFlags().contains(Modifier.SYNCHRONIZED)) {
        return true;
      }
      if (leaf instanceof BlockTree && lockedBefore((BlockTree) leaf, child, state)) {
        return true;
      }
      if (leaf instanceof IfTree
          && ((IfTree) leaf).getThenStatement() == child
          && callsTryLock(((IfTree) leaf).getCondition(), state)) {
        return true;
      }
      if (leaf == stop) {
        return false;
      }
      child = leaf;
    }
    return false;
  }

  /** Whether a statement before {@code child} in {@code block} takes a lock not yet released. */
  private static boolean lockedBefore(BlockTree block, Tree child, VisitorState state) {
    boolean locked = false;
    for (StatementTree statement : block.getStatements()) {
      if (statement == child) {
        return locked;
      }
      if (statement instanceof ExpressionStatementTree) {
        ExpressionTree expr = ((ExpressionStatementTree) statement).getExpression();
        if (expr instanceof MethodInvocationTree) {
          String name = lockCallName((MethodInvocationTree) expr, state);
          if ("lock".equals(name) || "lockInterruptibly".equals(name)) {
            locked = true;
          } else if ("unlock".equals(name)) {
            locked = false;
          }
        }
      }
    }
    return false;
  }

  private static boolean callsTryLock(ExpressionTree condition, VisitorState state) {
    boolean[] found = {false};
    new TreeScanner<Void, Void>() {
      @Override
      public Void visitMethodInvocation(MethodInvocationTree node, Void unused) {
        if ("tryLock".equals(lockCallName(node, state))) {
          found[0] = true;
        }
        return super.visitMethodInvocation(node, null);
      }
    }.scan(condition, null);
    return found[0];
  }

  /** The name of a call on a {@code Lock}, or null if it isn't one. */
  private static @Nullable String lockCallName(MethodInvocationTree call, VisitorState state) {
    MethodSymbol sym = ASTHelpers.getSymbol(call);
    if (sym == null || !TaskSinks.isSubtype(sym.owner.type, LOCK, state)) {
      return null;
    }
    return sym.getSimpleName().toString();
  }
}
