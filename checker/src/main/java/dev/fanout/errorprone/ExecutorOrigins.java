package dev.fanout.errorprone;

import static com.google.errorprone.util.ASTHelpers.isStatic;
import static dev.fanout.errorprone.TaskGroupModel.strip;

import com.google.errorprone.VisitorState;
import com.google.errorprone.util.ASTHelpers;
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
import com.sun.source.tree.Tree;
import com.sun.source.tree.VariableTree;
import com.sun.source.tree.WhileLoopTree;
import com.sun.source.util.TreePath;
import com.sun.tools.javac.code.Symbol;
import com.sun.tools.javac.code.Symbol.ClassSymbol;
import com.sun.tools.javac.code.Symbol.VarSymbol;
import java.util.List;
import java.util.function.Predicate;
import javax.lang.model.element.ElementKind;
import javax.lang.model.element.Modifier;
import org.jspecify.annotations.Nullable;

/**
 * Where an executor expression comes from, when the code in view says so: the variable it names and
 * the values that variable can hold. Shared by the checks that ask what kind of pool runs a task
 * ({@link BlockingWaitOnSamePool}: a bounded pool, {@link #isBounded}; {@link TaskSinks}: a single
 * thread, {@link #singleThread}).
 */
final class ExecutorOrigins {

  private ExecutorOrigins() {}

  private static boolean isSingleThreadFactory(ExpressionTree value, VisitorState state) {
    if (Catalogue.SINGLE_THREAD_FACTORY.matches(value, state)) {
      return true;
    }
    if (!Catalogue.SIZED_FACTORY.matches(value, state)
        || ((MethodInvocationTree) value).getArguments().isEmpty()) {
      return false;
    }
    Object threads = ASTHelpers.constValue(((MethodInvocationTree) value).getArguments().get(0));
    return threads instanceof Integer i && i == 1;
  }

  /**
   * The variable an executor expression names, if the name alone says which object it is: a local,
   * a field of {@code this} (implicitly or as {@code this.f}), or a static field. Null for a field
   * of another object ({@code other.pool}) or any other expression.
   */
  static @Nullable Symbol variable(ExpressionTree expr) {
    expr = strip(expr);
    Symbol sym = ASTHelpers.getSymbol(expr);
    if (!(sym instanceof VarSymbol)
        || sym.getSimpleName().contentEquals("this")
        || sym.getSimpleName().contentEquals("super")) {
      return null;
    }
    if (expr instanceof IdentifierTree) {
      return sym;
    }
    if (expr instanceof MemberSelectTree && sym.getKind() == ElementKind.FIELD) {
      Symbol qualifier = ASTHelpers.getSymbol(((MemberSelectTree) expr).getExpression());
      if (qualifier instanceof ClassSymbol && isStatic(sym)) {
        return sym; // Owner.POOL
      }
      if (qualifier != null && qualifier.getSimpleName().contentEquals("this")) {
        return sym; // this.pool, Outer.this.pool
      }
    }
    return null;
  }

  /**
   * The values the variable can hold, if this file shows them all: a local, or a field that is
   * final or private (so no other file assigns it); a non-final field must be assigned once. Null
   * when code out of view may assign it (a parameter, a field other code may set).
   */
  static @Nullable List<ExpressionTree> knownValues(Symbol var, VisitorState state) {
    ElementKind kind = var.getKind();
    boolean local = kind == ElementKind.LOCAL_VARIABLE || kind == ElementKind.RESOURCE_VARIABLE;
    boolean isFinal = var.getModifiers().contains(Modifier.FINAL);
    if (!local
        && !(kind == ElementKind.FIELD
            && (isFinal || var.getModifiers().contains(Modifier.PRIVATE)))) {
      return null;
    }
    List<ExpressionTree> values = UnitIndex.of(state).assignedValues(var);
    if (values == null || values.isEmpty() || (!local && !isFinal && values.size() > 1)) {
      return null;
    }
    return values;
  }

  /** Whether {@link #knownValues} shows every value of the variable, and each passes the test. */
  static boolean everyValue(Symbol var, VisitorState state, Predicate<ExpressionTree> test) {
    List<ExpressionTree> values = knownValues(var, state);
    if (values == null) {
      return false;
    }
    for (ExpressionTree value : values) {
      if (!test.test(strip(value))) {
        return false;
      }
    }
    return true;
  }

  /**
   * Whether the executor expression provably names one single-thread executor: a variable with one
   * creation site in view, {@code Executors.newSingleThreadExecutor(..)}, {@code
   * newSingleThreadScheduledExecutor(..)}, or {@code newFixedThreadPool(1, ..)} / {@code
   * newScheduledThreadPool(1, ..)}; other assignments may only be {@code null} (a {@code stop()}
   * that drops it). Two creation sites mean two executors may run side by side (a reset while the
   * old one drains): not single. A field need not be private here: an assignment in another file
   * could only make the check miss a race, never report one that is not there. A local must be
   * created once per call of its method (not in a loop or lambda there).
   */
  static boolean singleThread(ExpressionTree executor, VisitorState state) {
    Symbol var = variable(executor);
    if (var == null) {
      return false;
    }
    ElementKind kind = var.getKind();
    if (kind != ElementKind.FIELD
        && kind != ElementKind.LOCAL_VARIABLE
        && kind != ElementKind.RESOURCE_VARIABLE) {
      return false;
    }
    List<ExpressionTree> assigned = UnitIndex.of(state).assignedValues(var);
    if (assigned == null) {
      return false;
    }
    ExpressionTree created = null;
    for (ExpressionTree value : assigned) {
      ExpressionTree v = strip(value);
      if (v.getKind() == Tree.Kind.NULL_LITERAL) {
        continue;
      }
      if (created != null || !isSingleThreadFactory(v, state)) {
        return false;
      }
      created = v;
    }
    if (created == null) {
      return false;
    }
    if (kind == ElementKind.FIELD) {
      return true;
    }
    VariableTree decl = UnitIndex.of(state).declaration(var);
    TreePath declPath =
        decl == null ? null : TreePath.getPath(state.getPath().getCompilationUnit(), decl);
    if (declPath == null) {
      return false;
    }
    for (TreePath p = declPath.getParentPath(); p != null; p = p.getParentPath()) {
      Tree leaf = p.getLeaf();
      if (leaf instanceof ForLoopTree
          || leaf instanceof EnhancedForLoopTree
          || leaf instanceof WhileLoopTree
          || leaf instanceof DoWhileLoopTree
          || leaf instanceof LambdaExpressionTree) {
        return false;
      }
      if (leaf instanceof MethodTree || leaf instanceof ClassTree) {
        return true;
      }
    }
    return false;
  }

  /** How deep a pool's wrappers and a queue's locals are followed. */
  private static final int MAX_POOL_DEPTH = 4;

  // ---------------------------------------------------------------- bounded pools

  /**
   * Whether the variable provably holds a bounded pool: declared in this file (a local, or a field
   * that is final or private, so no other file assigns it) and every value assigned to it is one. A
   * non-final field must be assigned once.
   */
  static boolean isBounded(Symbol var, VisitorState state) {
    return ExecutorOrigins.everyValue(var, state, value -> isBoundedPool(value, state, 0));
  }

  /** Whether the expression creates a pool whose threads a waiting task can all use up. */
  private static boolean isBoundedPool(ExpressionTree expr, VisitorState state, int depth) {
    expr = strip(expr);
    if (depth > MAX_POOL_DEPTH) {
      return false;
    }
    if (Catalogue.FIXED_POOL_FACTORY.matches(expr, state)
        || Catalogue.SCHEDULED_POOL.matches(expr, state)) {
      return true;
    }
    if (Catalogue.UNCONFIGURABLE.matches(expr, state)) {
      List<? extends ExpressionTree> args = ((MethodInvocationTree) expr).getArguments();
      return args.size() == 1 && isBoundedPool(args.get(0), state, depth + 1);
    }
    if (Catalogue.THREAD_POOL.matches(expr, state)) {
      // new ThreadPoolExecutor(core, max, keepAlive, unit, queue, ...): the queue decides.
      List<? extends ExpressionTree> args = ((NewClassTree) expr).getArguments();
      return args.size() >= 5 && holdsTasks(args.get(4), state, depth + 1);
    }
    return false;
  }

  /** A queue created here (or in a local with that single value) that queues tasks. */
  private static boolean holdsTasks(ExpressionTree queue, VisitorState state, int depth) {
    queue = strip(queue);
    if (Catalogue.HOLDING_QUEUE.matches(queue, state)) {
      return true;
    }
    Symbol var = queue instanceof IdentifierTree ? ASTHelpers.getSymbol(queue) : null;
    if (var == null || var.getKind() != ElementKind.LOCAL_VARIABLE || depth > MAX_POOL_DEPTH) {
      return false;
    }
    List<ExpressionTree> values = UnitIndex.of(state).assignedValues(var);
    return values != null && values.size() == 1 && holdsTasks(values.get(0), state, depth + 1);
  }
}
