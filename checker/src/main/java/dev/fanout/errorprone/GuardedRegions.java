package dev.fanout.errorprone;

import com.google.common.collect.ImmutableSet;
import com.google.errorprone.VisitorState;
import com.google.errorprone.util.ASTHelpers;
import com.sun.source.tree.AssignmentTree;
import com.sun.source.tree.BlockTree;
import com.sun.source.tree.ExpressionStatementTree;
import com.sun.source.tree.ExpressionTree;
import com.sun.source.tree.IfTree;
import com.sun.source.tree.MethodInvocationTree;
import com.sun.source.tree.MethodTree;
import com.sun.source.tree.NewClassTree;
import com.sun.source.tree.StatementTree;
import com.sun.source.tree.SynchronizedTree;
import com.sun.source.tree.Tree;
import com.sun.source.tree.VariableTree;
import com.sun.source.util.TreePath;
import com.sun.source.util.TreeScanner;
import com.sun.tools.javac.code.Symbol;
import com.sun.tools.javac.code.Symbol.MethodSymbol;
import java.util.List;
import javax.lang.model.element.Modifier;
import org.jspecify.annotations.Nullable;

/**
 * Knows whether code runs while a lock is held: inside a {@code synchronized} block or method,
 * after {@code lock.lock()} (or inside {@code if (lock.tryLock())}) on a {@code
 * java.util.concurrent.locks.Lock}, after a {@code StampedLock} read or write lock, or after
 * acquiring a single-permit {@code Semaphore}. Any lock counts: the check stays silent rather than
 * guess which lock was meant.
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
      if (leaf instanceof SynchronizedTree synchronizedTree
          && synchronizedTree.getBlock() == child) {
        return true;
      }
      if (leaf instanceof MethodTree methodTree
          && methodTree.getModifiers().getFlags().contains(Modifier.SYNCHRONIZED)) {
        return true;
      }
      if (leaf instanceof BlockTree blockTree && lockedBefore(blockTree, child, state)) {
        return true;
      }
      if (leaf instanceof IfTree ifTree
          && ifTree.getThenStatement() == child
          && callsTryLock(ifTree.getCondition(), state)) {
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
      MethodInvocationTree call = callIn(statement);
      if (call != null) {
        switch (lockAction(call, state)) {
          case ACQUIRE -> locked = true;
          case RELEASE -> locked = false;
          default -> {}
        }
      }
    }
    return false;
  }

  /**
   * The call a statement makes at its top: {@code lock.lock();}, {@code long stamp =
   * sl.writeLock();}, {@code permit = semaphore.tryAcquire(...);}.
   */
  private static @Nullable MethodInvocationTree callIn(StatementTree statement) {
    ExpressionTree expr = null;
    if (statement instanceof ExpressionStatementTree expressionStatementTree) {
      expr = expressionStatementTree.getExpression();
      if (expr instanceof AssignmentTree) {
        expr = ((AssignmentTree) expr).getExpression();
      }
    } else if (statement instanceof VariableTree variableTree) {
      expr = variableTree.getInitializer();
    }
    return expr instanceof MethodInvocationTree ? (MethodInvocationTree) expr : null;
  }

  private enum Action {
    ACQUIRE,
    RELEASE,
    NONE
  }

  private static final ImmutableSet<String> STAMPED_ACQUIRE =
      ImmutableSet.of(
          "writeLock",
          "readLock",
          "writeLockInterruptibly",
          "readLockInterruptibly",
          "tryWriteLock",
          "tryReadLock",
          "tryConvertToWriteLock");

  private static final ImmutableSet<String> STAMPED_RELEASE =
      ImmutableSet.of("unlock", "unlockWrite", "unlockRead");

  /**
   * What a call does to a lock: {@code Lock.lock/lockInterruptibly/unlock}, {@code StampedLock}
   * write and read locks, and a {@code Semaphore} with a single permit used as a mutex.
   */
  private static Action lockAction(MethodInvocationTree call, VisitorState state) {
    MethodSymbol sym = ASTHelpers.getSymbol(call);
    if (sym == null) {
      return Action.NONE;
    }
    String name = sym.getSimpleName().toString();
    if (TaskSinks.isSubtype(sym.owner.type, LOCK, state)) {
      return name.equals("lock") || name.equals("lockInterruptibly")
          ? Action.ACQUIRE
          : name.equals("unlock") ? Action.RELEASE : Action.NONE;
    }
    if (TaskSinks.isSubtype(sym.owner.type, STAMPED_LOCK, state)) {
      return STAMPED_ACQUIRE.contains(name)
          ? Action.ACQUIRE
          : STAMPED_RELEASE.contains(name) ? Action.RELEASE : Action.NONE;
    }
    if (TaskSinks.isSubtype(sym.owner.type, SEMAPHORE, state) && isMutex(call, state)) {
      return name.startsWith("acquire") || name.equals("tryAcquire")
          ? Action.ACQUIRE
          : name.equals("release") ? Action.RELEASE : Action.NONE;
    }
    return Action.NONE;
  }

  /** A semaphore whose every value in this file is {@code new Semaphore(1)} (optionally fair). */
  private static boolean isMutex(MethodInvocationTree call, VisitorState state) {
    ExpressionTree receiver = ASTHelpers.getReceiver(call);
    Symbol sym = receiver == null ? null : ASTHelpers.getSymbol(receiver);
    if (sym == null) {
      return false;
    }
    List<ExpressionTree> values = Variables.assignedValues(sym, state);
    if (values == null || values.isEmpty()) {
      return false;
    }
    for (ExpressionTree value : values) {
      if (!(value instanceof NewClassTree newClassTree)
          || newClassTree.getArguments().isEmpty()
          || !Integer.valueOf(1)
              .equals(ASTHelpers.constValue(newClassTree.getArguments().get(0)))) {
        return false;
      }
    }
    return true;
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

  private static final String STAMPED_LOCK = "java.util.concurrent.locks.StampedLock";
  private static final String SEMAPHORE = "java.util.concurrent.Semaphore";

  /** The name of a call on a {@code Lock}, or null if it isn't one. */
  private static @Nullable String lockCallName(MethodInvocationTree call, VisitorState state) {
    MethodSymbol sym = ASTHelpers.getSymbol(call);
    if (sym == null || !TaskSinks.isSubtype(sym.owner.type, LOCK, state)) {
      return null;
    }
    return sym.getSimpleName().toString();
  }
}
