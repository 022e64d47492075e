package dev.fanout.errorprone;

import static com.google.errorprone.matchers.method.MethodMatchers.instanceMethod;
import static com.google.errorprone.util.ASTHelpers.getEnclosedElements;

import com.google.common.collect.ImmutableSet;
import com.google.errorprone.VisitorState;
import com.google.errorprone.matchers.Matcher;
import com.google.errorprone.util.ASTHelpers;
import com.sun.source.tree.BinaryTree;
import com.sun.source.tree.BlockTree;
import com.sun.source.tree.BreakTree;
import com.sun.source.tree.ClassTree;
import com.sun.source.tree.CompoundAssignmentTree;
import com.sun.source.tree.ContinueTree;
import com.sun.source.tree.DoWhileLoopTree;
import com.sun.source.tree.EnhancedForLoopTree;
import com.sun.source.tree.ExpressionTree;
import com.sun.source.tree.ForLoopTree;
import com.sun.source.tree.IdentifierTree;
import com.sun.source.tree.LambdaExpressionTree;
import com.sun.source.tree.MemberReferenceTree;
import com.sun.source.tree.MemberSelectTree;
import com.sun.source.tree.MethodInvocationTree;
import com.sun.source.tree.MethodTree;
import com.sun.source.tree.NewArrayTree;
import com.sun.source.tree.ReturnTree;
import com.sun.source.tree.StatementTree;
import com.sun.source.tree.SwitchExpressionTree;
import com.sun.source.tree.SwitchTree;
import com.sun.source.tree.ThrowTree;
import com.sun.source.tree.Tree;
import com.sun.source.tree.TryTree;
import com.sun.source.tree.UnaryTree;
import com.sun.source.tree.VariableTree;
import com.sun.source.tree.WhileLoopTree;
import com.sun.source.util.TreePath;
import com.sun.source.util.TreePathScanner;
import com.sun.source.util.TreeScanner;
import com.sun.tools.javac.api.JavacTrees;
import com.sun.tools.javac.code.Symbol;
import com.sun.tools.javac.code.Symbol.MethodSymbol;
import com.sun.tools.javac.code.Type;
import com.sun.tools.javac.tree.JCTree.JCMethodInvocation;
import java.util.List;
import javax.lang.model.element.ElementKind;
import javax.lang.model.element.Modifier;

/**
 * The fan-out size analysis behind {@link UnboundedFanOut}: how many times the loops around a fork
 * repeat it (counted {@code for} loops, {@code while} loops with a counter, loops and per-element
 * stream operations over collections whose size the code shows), and what bounds a fan-out anyway
 * (a limit set before the loop ends, a group that escapes, semaphore permits, an earlier fork in
 * the same loop).
 *
 * <p>A size is a number of iterations, {@link #UNKNOWN} when the code does not show it; a fan-out
 * counts only when its size is unknown or larger than the limit ({@code -XepOpt:UnboundedFanOut:
 * Limit}, {@link FanoutFlags#limit()}).
 */
final class FanOutSize {

  static final long UNKNOWN = -1;
  private static final int MAX_DEPTH = 4;

  private static final Matcher<ExpressionTree> SET_LIMIT =
      instanceMethod().onExactClass(FanoutApi.TASK_GROUP).named(FanoutApi.SET_LIMIT);

  private static final Matcher<ExpressionTree> PERMIT_ACQUIRE =
      instanceMethod()
          .onDescendantOf("java.util.concurrent.Semaphore")
          .namedAnyOf("acquire", "acquireUninterruptibly", "tryAcquire");

  /** Stream operations whose lambda runs once per element of the receiver. */
  private static final ImmutableSet<String> PER_ELEMENT_STREAM_OPS =
      ImmutableSet.of(
          "forEach",
          "forEachOrdered",
          "map",
          "mapToObj",
          "mapToInt",
          "mapToLong",
          "mapToDouble",
          "flatMap",
          "peek");

  /** Stream operations that pass on at most as many elements as they receive. */
  private static final ImmutableSet<String> SIZE_KEEPING_STREAM_OPS =
      ImmutableSet.of(
          "filter",
          "map",
          "mapToObj",
          "mapToInt",
          "mapToLong",
          "mapToDouble",
          "peek",
          "sorted",
          "distinct",
          "skip",
          "boxed",
          "parallel",
          "sequential",
          "unordered",
          "onClose",
          "asLongStream",
          "asDoubleStream",
          "takeWhile",
          "dropWhile");

  /** Static factories whose result has exactly as many elements as arguments. */
  private static final ImmutableSet<String> COLLECTION_OWNERS =
      ImmutableSet.of(
          "java.util.List",
          "java.util.Set",
          "java.util.EnumSet",
          "java.util.stream.Stream",
          "java.util.stream.IntStream",
          "java.util.stream.LongStream",
          "java.util.stream.DoubleStream");

  /** A fan-out: the loops that repeat a fork, outermost first, and how often they run at most. */
  record FanOut(Tree outermost, long bound) {}

  private final int limit;

  FanOutSize(int limit) {
    this.limit = limit;
  }

  /**
   * The loops around {@code callPath} that repeat the fork but not the owner's creation, if their
   * combined iteration count is unknown or larger than the limit; else null. Walks out to the
   * owner's declaration, through per-element lambdas ({@code forEach}, stream {@code map}), and
   * stops at any other lambda or class.
   */
  FanOut fanOut(TreePath callPath, VariableTree decl, VisitorState state) {
    long declStart = ASTHelpers.getStartPosition(decl);
    Tree outermost = null;
    long bound = 1;
    Tree child = callPath.getLeaf();
    for (TreePath p = callPath.getParentPath(); p != null; p = p.getParentPath()) {
      Tree leaf = p.getLeaf();
      if (ASTHelpers.getStartPosition(leaf) <= declStart
          && state.getEndPosition(leaf) >= state.getEndPosition(decl)) {
        break; // from here on the owner's creation repeats with the fork
      }
      if (leaf instanceof MethodTree || leaf instanceof ClassTree) {
        break;
      }
      long n = 1;
      boolean loop = false;
      if (leaf instanceof LambdaExpressionTree) {
        MethodInvocationTree perElement = perElementCall(p, state);
        if (perElement == null) {
          break; // code that runs at some other time, not once per element here
        }
        n = perElementCount(perElement, state);
        loop = true;
        leaf = perElement;
        p = p.getParentPath();
      } else if (repeats(leaf, child)) {
        if (runsUntilStopped(leaf)) {
          return null; // a service loop: tasks arrive over time, not a fan-out over data
        }
        n = loopCount(p, callPath, state);
        loop = true;
      }
      if (loop) {
        outermost = leaf;
        bound = (bound == UNKNOWN || n == UNKNOWN) ? UNKNOWN : saturatedProduct(bound, n);
      }
      child = leaf;
    }
    if (outermost == null || (bound != UNKNOWN && bound <= limit)) {
      return null;
    }
    return new FanOut(outermost, bound);
  }

  private static long saturatedProduct(long a, long b) {
    return (a != 0 && b > Long.MAX_VALUE / a) ? Long.MAX_VALUE : a * b;
  }

  /** Whether {@code child} runs once per iteration of {@code loop}. */
  private static boolean repeats(Tree loop, Tree child) {
    if (loop instanceof EnhancedForLoopTree enhancedForLoopTree) {
      return enhancedForLoopTree.getStatement() == child;
    }
    if (loop instanceof ForLoopTree f) {

      return f.getStatement() == child
          || f.getCondition() == child
          || f.getUpdate().contains(child);
    }
    return loop instanceof WhileLoopTree || loop instanceof DoWhileLoopTree;
  }

  /**
   * Whether {@code loop} runs until something stops it rather than over data: {@code while (true)},
   * {@code for (;;)}, {@code while (running)}, {@code while (!stopped)}, {@code while
   * (!server.isClosed())}, {@code while (!Thread.currentThread().isInterrupted())}. A thread per
   * accepted request is what a virtual-thread executor is for; bounding it is admission control,
   * not this check's business.
   */
  private static boolean runsUntilStopped(Tree loop) {
    ExpressionTree cond;
    if (loop instanceof WhileLoopTree whileLoopTree) {
      cond = whileLoopTree.getCondition();
    } else if (loop instanceof DoWhileLoopTree doWhileLoopTree) {
      cond = doWhileLoopTree.getCondition();
    } else if (loop instanceof ForLoopTree forLoopTree) {
      cond = forLoopTree.getCondition();
    } else {
      return false;
    }
    if (cond == null) {
      return true;
    }
    ExpressionTree c = ASTHelpers.stripParentheses(cond);
    if (Boolean.TRUE.equals(ASTHelpers.constValue(c))) {
      return true;
    }
    boolean negated = c.getKind() == Tree.Kind.LOGICAL_COMPLEMENT;
    if (negated) {
      c = ASTHelpers.stripParentheses(((UnaryTree) c).getExpression());
    }
    if (c instanceof IdentifierTree || c instanceof MemberSelectTree) {
      return ASTHelpers.getSymbol(c) instanceof Symbol.VarSymbol; // a flag: running, !stopped
    }
    if (negated && c instanceof MethodInvocationTree) {
      MethodInvocationTree call = (MethodInvocationTree) c;
      MethodSymbol sym = ASTHelpers.getSymbol(call);
      String name = sym == null ? "" : sym.getSimpleName().toString();
      return call.getArguments().isEmpty()
          && name.startsWith("is")
          && !name.equals("isEmpty"); // !isClosed(), !isShutdown(), !isInterrupted()
    }
    return false;
  }

  /** If the lambda at {@code lambdaPath} runs once per element of a call's receiver, that call. */
  private static MethodInvocationTree perElementCall(TreePath lambdaPath, VisitorState state) {
    TreePath parentPath = lambdaPath.getParentPath();
    if (parentPath == null || !(parentPath.getLeaf() instanceof MethodInvocationTree)) {
      return null;
    }
    MethodInvocationTree call = (MethodInvocationTree) parentPath.getLeaf();
    if (!call.getArguments().contains(lambdaPath.getLeaf())) {
      return null;
    }
    MethodSymbol sym = ASTHelpers.getSymbol(call);
    if (sym == null || ASTHelpers.isStatic(sym)) {
      return null;
    }
    String name = sym.getSimpleName().toString();
    Type owner = sym.owner.type;
    boolean perElement =
        (PER_ELEMENT_STREAM_OPS.contains(name)
                && TaskSinks.isSubtype(owner, "java.util.stream.BaseStream", state))
            || (name.equals("forEach")
                && (TaskSinks.isSubtype(owner, "java.lang.Iterable", state)
                    || TaskSinks.isSubtype(owner, "java.util.Map", state)))
            || (name.equals("forEachRemaining")
                && TaskSinks.isSubtype(owner, "java.util.Iterator", state));
    return perElement ? call : null;
  }

  private long perElementCount(MethodInvocationTree call, VisitorState state) {
    if (ASTHelpers.getSymbol(call).getSimpleName().contentEquals("forEachRemaining")) {
      return UNKNOWN; // what is left of an iterator
    }
    return sizeOf(ASTHelpers.getReceiver(call), state, 0);
  }

  /** How many times the fork at {@code callPath} runs per run of the loop at {@code loopPath}. */
  private long loopCount(TreePath loopPath, TreePath callPath, VisitorState state) {
    Tree loop = loopPath.getLeaf();
    StatementTree body;
    long n = UNKNOWN;
    if (loop instanceof EnhancedForLoopTree enhancedForLoopTree) {
      body = enhancedForLoopTree.getStatement();
      n = sizeOf(enhancedForLoopTree.getExpression(), state, 0);
    } else if (loop instanceof ForLoopTree forLoopTree) {
      body = forLoopTree.getStatement();
      n = countedLoop(forLoopTree);
    } else if (loop instanceof WhileLoopTree whileLoopTree) {
      body = whileLoopTree.getStatement();
    } else {
      body = ((DoWhileLoopTree) loop).getStatement();
    }
    return runsOnce(body) || leavesAfterFork(loopPath, callPath, body) ? 1 : n;
  }

  /** Whether a loop body always leaves the loop at its end and never continues: one pass. */
  private static boolean runsOnce(StatementTree body) {
    if (!(body instanceof BlockTree blockTree) || blockTree.getStatements().isEmpty()) {
      return false;
    }
    List<? extends StatementTree> statements = blockTree.getStatements();
    StatementTree last = statements.get(statements.size() - 1);
    boolean leaves =
        last instanceof ReturnTree
            || last instanceof ThrowTree
            || (last instanceof BreakTree breakTree && breakTree.getLabel() == null);
    if (!leaves) {
      return false;
    }
    return !jumps(body, false);
  }

  /**
   * Whether {@code body} has a {@code continue} (or, if {@code labeledBreaks}, a {@code break} to a
   * label), outside lambdas and classes: code after it may be skipped and the loop go on.
   */
  private static boolean jumps(StatementTree body, boolean labeledBreaks) {
    boolean[] found = new boolean[1];
    new OwnCodeScanner() {
      @Override
      public Void visitContinue(ContinueTree node, Void unused) {
        found[0] = true;
        return null;
      }

      @Override
      public Void visitBreak(BreakTree node, Void unused) {
        found[0] |= labeledBreaks && node.getLabel() != null;
        return null;
      }
    }.scan(body, null);
    return found[0];
  }

  /**
   * Whether the loop ends right after the fork: the fork is in a block of the loop's own code (not
   * in a lambda or class inside it) that goes on to end in {@code return}, in a {@code throw} with
   * no {@code try} around it inside the loop, or in an unlabeled {@code break} with no inner loop
   * or {@code switch} it could end instead; and the loop never {@code continue}s or breaks to a
   * label. {@code for (x : xs) if (match(x)) { g.go(..); break; }} forks once.
   */
  private static boolean leavesAfterFork(TreePath loopPath, TreePath callPath, StatementTree body) {
    Tree loop = loopPath.getLeaf();
    boolean viaReturn = false;
    boolean viaBreak = false;
    boolean viaThrow = false;
    Tree child = callPath.getLeaf();
    for (TreePath p = callPath.getParentPath(); p != null; p = p.getParentPath()) {
      Tree leaf = p.getLeaf();
      if (leaf == loop) {
        return (viaReturn || viaBreak || viaThrow) && !jumps(body, true);
      }
      if (leaf instanceof LambdaExpressionTree || leaf instanceof ClassTree) {
        viaReturn = viaBreak = viaThrow = false; // code below runs elsewhere
      } else if (leaf instanceof ForLoopTree
          || leaf instanceof EnhancedForLoopTree
          || leaf instanceof WhileLoopTree
          || leaf instanceof DoWhileLoopTree
          || leaf instanceof SwitchTree
          || leaf instanceof SwitchExpressionTree) {
        viaBreak = false; // a break below ends this one
      } else if (leaf instanceof TryTree) {
        viaThrow = false; // a throw below may be caught here
      } else if (leaf instanceof BlockTree blockTree) {
        List<? extends StatementTree> statements = blockTree.getStatements();
        int at = -1;
        for (int i = 0; i < statements.size(); i++) {
          if (statements.get(i) == child) {
            at = i;
          }
        }
        if (at >= 0 && at < statements.size() - 1) {
          StatementTree last = statements.get(statements.size() - 1);
          viaReturn |= last instanceof ReturnTree;
          viaThrow |= last instanceof ThrowTree;
          viaBreak |= last instanceof BreakTree breakTree && breakTree.getLabel() == null;
        }
      }
      child = leaf;
    }
    return false;
  }

  /**
   * The iteration count of {@code for (int i = A; i < B; i++)} (also {@code <=}, {@code i += s},
   * and the counting-down forms) when A, B and s are compile-time constants; else UNKNOWN.
   */
  private static long countedLoop(ForLoopTree loop) {
    if (loop.getInitializer().size() != 1
        || !(loop.getInitializer().get(0) instanceof VariableTree)
        || !(loop.getCondition() instanceof BinaryTree)
        || loop.getUpdate().size() != 1) {
      return UNKNOWN;
    }
    VariableTree var = (VariableTree) loop.getInitializer().get(0);
    Symbol i = ASTHelpers.getSymbol(var);
    Long start = longConstant(var.getInitializer());
    Long step = step(loop.getUpdate().get(0).getExpression(), i);
    if (i == null || start == null || step == null || step == 0) {
      return UNKNOWN;
    }
    return countWhile(loop.getCondition(), i, start, step, 0);
  }

  /**
   * How often {@code cond} holds for {@code i = start, start + step, ...}: a comparison of {@code
   * i} with a constant or with {@code Math.min(.., K)} (when counting up), or a {@code &&} of
   * conditions of which one is such a comparison; else UNKNOWN.
   */
  private static long countWhile(
      ExpressionTree condition, Symbol i, long start, long step, int depth) {
    ExpressionTree c = ASTHelpers.stripParentheses(condition);
    if (depth > MAX_DEPTH || !(c instanceof BinaryTree cond)) {
      return UNKNOWN;
    }

    if (cond.getKind() == Tree.Kind.CONDITIONAL_AND) {
      long left = countWhile(cond.getLeftOperand(), i, start, step, depth + 1);
      long right = countWhile(cond.getRightOperand(), i, start, step, depth + 1);
      return left == UNKNOWN ? right : right == UNKNOWN ? left : Math.min(left, right);
    }
    Tree.Kind op = cond.getKind();
    ExpressionTree bound;
    if (i.equals(ASTHelpers.getSymbol(cond.getLeftOperand()))) {
      bound = cond.getRightOperand();
    } else if (i.equals(ASTHelpers.getSymbol(cond.getRightOperand()))) {
      bound = cond.getLeftOperand();
      op = flip(op);
    } else {
      return UNKNOWN;
    }
    // Counting up, the loop ends no later than at the bound's upper bound; counting down, only a
    // constant bound is used.
    Long end = step > 0 ? upperBound(bound, 0) : longConstant(bound);
    if (end == null || op == null) {
      return UNKNOWN;
    }
    long span;
    if (step > 0 && (op == Tree.Kind.LESS_THAN || op == Tree.Kind.LESS_THAN_EQUAL)) {
      span = end - start + (op == Tree.Kind.LESS_THAN_EQUAL ? 1 : 0);
    } else if (step < 0 && (op == Tree.Kind.GREATER_THAN || op == Tree.Kind.GREATER_THAN_EQUAL)) {
      span = start - end + (op == Tree.Kind.GREATER_THAN_EQUAL ? 1 : 0);
    } else {
      return UNKNOWN;
    }
    long s = Math.abs(step);
    return span <= 0 ? 0 : (span + s - 1) / s;
  }

  private static Tree.Kind flip(Tree.Kind op) {
    return switch (op) {
      case LESS_THAN -> Tree.Kind.GREATER_THAN;
      case LESS_THAN_EQUAL -> Tree.Kind.GREATER_THAN_EQUAL;
      case GREATER_THAN -> Tree.Kind.LESS_THAN;
      case GREATER_THAN_EQUAL -> Tree.Kind.LESS_THAN_EQUAL;
      default -> null;
    };
  }

  /** The constant step of {@code i++}, {@code i--}, {@code i += s}, {@code i -= s}; else null. */
  private static Long step(ExpressionTree update, Symbol i) {
    if (update instanceof UnaryTree unaryTree
        && i.equals(ASTHelpers.getSymbol(unaryTree.getExpression()))) {
      return switch (update.getKind()) {
        case POSTFIX_INCREMENT, PREFIX_INCREMENT -> 1L;
        case POSTFIX_DECREMENT, PREFIX_DECREMENT -> -1L;
        default -> null;
      };
    }
    if (update instanceof CompoundAssignmentTree compoundAssignmentTree
        && i.equals(ASTHelpers.getSymbol(compoundAssignmentTree.getVariable()))) {
      Long s = longConstant(compoundAssignmentTree.getExpression());
      if (s == null) {
        return null;
      }
      return update.getKind() == Tree.Kind.PLUS_ASSIGNMENT
          ? s
          : update.getKind() == Tree.Kind.MINUS_ASSIGNMENT ? -s : null;
    }
    return null;
  }

  private static Long longConstant(ExpressionTree tree) {
    Object value = tree == null ? null : ASTHelpers.constValue(tree);
    if (value instanceof Integer
        || value instanceof Long
        || value instanceof Short
        || value instanceof Byte) {
      return ((Number) value).longValue();
    }
    if (value instanceof Character c) {
      return (long) c;
    }
    return null;
  }

  /**
   * A compile-time upper bound of an int or long expression: a constant, or {@code Math.min(a, b)}
   * with a bound for {@code a} or {@code b}; else null.
   */
  private static Long upperBound(ExpressionTree tree, int depth) {
    Long constant = longConstant(tree);
    ExpressionTree e = tree == null ? null : ASTHelpers.stripParentheses(tree);
    if (constant != null || !(e instanceof MethodInvocationTree call) || depth > MAX_DEPTH) {
      return constant;
    }

    MethodSymbol sym = ASTHelpers.getSymbol(call);
    String owner = sym == null ? "" : sym.owner.getQualifiedName().toString();
    if (sym == null
        || !sym.getSimpleName().contentEquals("min")
        || !(owner.equals("java.lang.Math") || owner.equals("java.lang.StrictMath"))
        || call.getArguments().size() != 2) {
      return null;
    }
    Long a = upperBound(call.getArguments().get(0), depth + 1);
    Long b = upperBound(call.getArguments().get(1), depth + 1);
    return a == null ? b : b == null ? a : Long.valueOf(Math.min(a, b));
  }

  /**
   * At most how many elements {@code expr} (an array, collection, map or stream) holds, when that
   * is a compile-time fact; else UNKNOWN.
   */
  private long sizeOf(ExpressionTree expr, VisitorState state, int depth) {
    ExpressionTree e = expr == null ? null : TaskGroupModel.strip(expr);
    if (e == null || depth > MAX_DEPTH) {
      return UNKNOWN;
    }
    if (e instanceof NewArrayTree array) {

      if (array.getInitializers() != null) {
        return array.getInitializers().size();
      }
      return array.getDimensions().size() == 1
          ? orUnknown(upperBound(array.getDimensions().get(0), 0))
          : UNKNOWN;
    }
    if (e instanceof IdentifierTree || e instanceof MemberSelectTree) {
      return sizeOfVariable(ASTHelpers.getSymbol(e), state, depth);
    }
    if (!(e instanceof MethodInvocationTree call)) {
      return UNKNOWN;
    }

    MethodSymbol sym = ASTHelpers.getSymbol(call);
    if (sym == null) {
      return UNKNOWN;
    }
    String name = sym.getSimpleName().toString();
    String owner = sym.owner.getQualifiedName().toString();
    List<? extends ExpressionTree> args = call.getArguments();
    ExpressionTree receiver = ASTHelpers.getReceiver(call);
    if (ASTHelpers.isStatic(sym)) {
      if (name.equals("values") && args.isEmpty() && sym.owner.getKind() == ElementKind.ENUM) {
        return enumConstants(sym.owner);
      }
      if (owner.equals("java.util.EnumSet") && name.equals("allOf") && args.size() == 1) {
        Type type = ASTHelpers.getType(args.get(0));
        List<Type> typeArgs = type == null ? List.of() : type.getTypeArguments();
        return typeArgs.size() == 1 && typeArgs.get(0).tsym.getKind() == ElementKind.ENUM
            ? enumConstants(typeArgs.get(0).tsym)
            : UNKNOWN;
      }
      boolean elementsAsArgs =
          (name.equals("of") && COLLECTION_OWNERS.contains(owner))
              || (name.equals("asList") && owner.equals("java.util.Arrays"));
      if (elementsAsArgs) {
        if (args.size() == 1
            && sym.isVarArgs()
            && call instanceof JCMethodInvocation jcMethodInvocation
            && jcMethodInvocation.varargsElement == null
            && ASTHelpers.getType(args.get(0)) instanceof Type.ArrayType) {
          // An array passed as the varargs array; Stream.of(ints) and Arrays.asList(ints) of an
          // int[] hold the one array instead.
          return sizeOf(args.get(0), state, depth + 1);
        }
        return args.size();
      }
      if (name.equals("of") && owner.equals("java.util.Map")) {
        return args.size() / 2;
      }
      if ((name.equals("copyOf") && COLLECTION_OWNERS.contains(owner))
          || (name.equals("stream") && owner.equals("java.util.Arrays") && args.size() == 1)) {
        return args.size() == 1 ? sizeOf(args.get(0), state, depth + 1) : UNKNOWN;
      }
      if ((name.equals("range") || name.equals("rangeClosed"))
          && (owner.equals("java.util.stream.IntStream")
              || owner.equals("java.util.stream.LongStream"))
          && args.size() == 2) {
        Long from = longConstant(args.get(0));
        Long to = upperBound(args.get(1), 0);
        if (from == null || to == null) {
          return UNKNOWN;
        }
        return Math.max(0, to - from + (name.equals("rangeClosed") ? 1 : 0));
      }
      return UNKNOWN;
    }
    Type ownerType = sym.owner.type;
    if (TaskSinks.isSubtype(ownerType, "java.util.stream.BaseStream", state)) {
      if (name.equals("limit") && args.size() == 1) {
        Long max = upperBound(args.get(0), 0);
        long rest = sizeOf(receiver, state, depth + 1);
        if (max == null) {
          return rest;
        }
        return rest == UNKNOWN ? max : Math.min(max, rest);
      }
      return SIZE_KEEPING_STREAM_OPS.contains(name) ? sizeOf(receiver, state, depth + 1) : UNKNOWN;
    }
    boolean view =
        ((name.equals("stream") || name.equals("parallelStream"))
                && TaskSinks.isSubtype(ownerType, "java.util.Collection", state))
            || ((name.equals("keySet") || name.equals("values") || name.equals("entrySet"))
                && TaskSinks.isSubtype(ownerType, "java.util.Map", state));
    return view && args.isEmpty() ? sizeOf(receiver, state, depth + 1) : UNKNOWN;
  }

  /** The size of what a local variable or final field holds, if set once to a sized value. */
  private long sizeOfVariable(Symbol var, VisitorState state, int depth) {
    if (var == null) {
      return UNKNOWN;
    }
    boolean candidate =
        var.getKind() == ElementKind.LOCAL_VARIABLE
            || (var.getKind() == ElementKind.FIELD && var.getModifiers().contains(Modifier.FINAL));
    List<ExpressionTree> values = candidate ? UnitIndex.of(state).assignedValues(var) : null;
    if (values == null || values.size() != 1) {
      return UNKNOWN;
    }
    return sizeOf(values.get(0), state, depth + 1);
  }

  private static long enumConstants(Symbol enumType) {
    long n = 0;
    for (Symbol member : getEnclosedElements(enumType)) {
      if (member.getKind() == ElementKind.ENUM_CONSTANT) {
        n++;
      }
    }
    return n;
  }

  private static long orUnknown(Long value) {
    return value == null || value < 0 ? UNKNOWN : value;
  }

  // ---------------------------------------------------------------- what bounds it anyway

  /**
   * Whether, before {@code loopEnd}, the method calls {@code setLimit} on the group or uses the
   * group other than as the receiver of its own methods (passing it on, capturing it bare, a method
   * reference): then a limit may be set out of sight.
   */
  static boolean limitedOrEscaped(
      Symbol group, MethodTree method, long loopEnd, VisitorState state) {
    boolean[] found = new boolean[1];
    new TreePathScanner<Void, Void>() {
      @Override
      public Void visitMethodInvocation(MethodInvocationTree node, Void unused) {
        if (ASTHelpers.getStartPosition(node) < loopEnd
            && SET_LIMIT.matches(node, state)
            && group.equals(ASTHelpers.getSymbol(ASTHelpers.getReceiver(node)))) {
          found[0] = true;
        }
        return super.visitMethodInvocation(node, null);
      }

      @Override
      public Void visitIdentifier(IdentifierTree node, Void unused) {
        if (ASTHelpers.getStartPosition(node) < loopEnd
            && group.equals(ASTHelpers.getSymbol(node))
            && !isCallReceiver(getCurrentPath())) {
          found[0] = true;
        }
        return null;
      }
    }.scan(TreePath.getPath(state.getPath().getCompilationUnit(), method), null);
    return found[0];
  }

  /** Whether the identifier at {@code path} is {@code x} in {@code x.m(...)}. */
  private static boolean isCallReceiver(TreePath path) {
    TreePath select = path.getParentPath();
    TreePath call = select == null ? null : select.getParentPath();
    return select != null
        && select.getLeaf() instanceof MemberSelectTree
        && call != null
        && call.getLeaf() instanceof MethodInvocationTree
        && ((MethodInvocationTree) call.getLeaf()).getMethodSelect() == select.getLeaf();
  }

  /** Whether {@code tree} calls {@code acquire}/{@code tryAcquire} on a Semaphore. */
  static boolean acquiresPermits(Tree tree, VisitorState state) {
    boolean[] found = new boolean[1];
    new TreeScanner<Void, Void>() {
      @Override
      public Void visitMethodInvocation(MethodInvocationTree node, Void unused) {
        if (PERMIT_ACQUIRE.matches(node, state)) {
          found[0] = true;
        }
        return super.visitMethodInvocation(node, null);
      }
    }.scan(tree, null);
    return found[0];
  }

  /**
   * Whether the task, or a method of this compilation unit that the loop calls or references (one
   * level), acquires Semaphore permits: the user bounded the fan-out there.
   */
  static boolean loopAcquiresPermits(Tree loop, VisitorState state) {
    JavacTrees trees = JavacTrees.instance(state.context);
    boolean[] found = new boolean[1];
    new TreeScanner<Void, Void>() {
      void consider(Symbol sym) {
        if (!found[0] && sym instanceof MethodSymbol) {
          Tree body = trees.getTree(sym);
          if (body instanceof MethodTree && acquiresPermits(body, state)) {
            found[0] = true;
          }
        }
      }

      @Override
      public Void visitMethodInvocation(MethodInvocationTree node, Void unused) {
        consider(ASTHelpers.getSymbol(node));
        return super.visitMethodInvocation(node, null);
      }

      @Override
      public Void visitMemberReference(MemberReferenceTree node, Void unused) {
        consider(ASTHelpers.getSymbol(node));
        return super.visitMemberReference(node, null);
      }
    }.scan(loop, null);
    return found[0];
  }

  /**
   * Whether another fork into the same owner, earlier in the same outermost loop, already reports
   * this fan-out.
   */
  boolean earlierForkInSameLoop(
      MethodInvocationTree call,
      Symbol owner,
      Tree loop,
      TreePath callPath,
      VariableTree decl,
      VisitorState state) {
    TreePath loopPath = TreePath.getPath(callPath.getCompilationUnit(), loop);
    if (loopPath == null) {
      return false;
    }
    long callStart = ASTHelpers.getStartPosition(call);
    boolean[] found = new boolean[1];
    new TreePathScanner<Void, Void>() {
      @Override
      public Void visitMethodInvocation(MethodInvocationTree node, Void unused) {
        if (!found[0] && node != call && ASTHelpers.getStartPosition(node) < callStart) {
          ExpressionTree other =
              TaskGroupModel.isTaskStart(node, state)
                  ? ASTHelpers.getReceiver(node)
                  : TaskSinks.singleTaskExecutorOf(node, state);
          if (other instanceof IdentifierTree && owner.equals(ASTHelpers.getSymbol(other))) {
            FanOut earlier = fanOut(getCurrentPath(), decl, state);
            if (earlier != null && earlier.outermost() == loop) {
              found[0] = true;
            }
          }
        }
        return super.visitMethodInvocation(node, null);
      }
    }.scan(loopPath, null);
    return found[0];
  }
}
