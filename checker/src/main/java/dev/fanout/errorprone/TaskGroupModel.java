package dev.fanout.errorprone;

import static com.google.errorprone.matchers.method.MethodMatchers.instanceMethod;
import static com.google.errorprone.matchers.method.MethodMatchers.staticMethod;

import com.google.errorprone.VisitorState;
import com.google.errorprone.matchers.Matcher;
import com.google.errorprone.suppliers.Supplier;
import com.google.errorprone.util.ASTHelpers;
import com.sun.source.tree.AssignmentTree;
import com.sun.source.tree.ClassTree;
import com.sun.source.tree.CompilationUnitTree;
import com.sun.source.tree.ExpressionTree;
import com.sun.source.tree.IdentifierTree;
import com.sun.source.tree.LambdaExpressionTree;
import com.sun.source.tree.MemberReferenceTree;
import com.sun.source.tree.MemberSelectTree;
import com.sun.source.tree.MethodInvocationTree;
import com.sun.source.tree.MethodTree;
import com.sun.source.tree.NewClassTree;
import com.sun.source.tree.ParenthesizedTree;
import com.sun.source.tree.Tree;
import com.sun.source.tree.TypeCastTree;
import com.sun.source.tree.VariableTree;
import com.sun.source.util.TreePath;
import com.sun.source.util.TreeScanner;
import com.sun.tools.javac.code.Symbol;
import com.sun.tools.javac.code.Symbol.MethodSymbol;
import com.sun.tools.javac.code.Symbol.VarSymbol;
import com.sun.tools.javac.code.Type;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import javax.lang.model.element.ElementKind;

/**
 * The checks' one model of Fanout's groups and contexts: which calls make a group, which start a
 * task and what the task's body and context parameter are, which expressions are a {@code
 * dev.fanout.Context}, where a context comes from (the group's own derived context, a parent, a
 * derivation of a given context).
 *
 * <p>Every method here answers from the trees of the current compilation unit only, and answers
 * "don't know" (an empty result, {@code false} for a "known to be" question) rather than guess.
 * None of them throws for an unexpected tree shape.
 */
final class TaskGroupModel {

  private static final Supplier<Type> TASK_TYPE =
      VisitorState.memoize(state -> state.getTypeFromString(FanoutApi.TASK));

  static final Supplier<Type> CONTEXT_TYPE =
      VisitorState.memoize(state -> state.getTypeFromString(FanoutApi.CONTEXT));

  private TaskGroupModel() {}

  /** How far {@link #isDerivedFrom} and {@link #mayHoldGroupContext} follow local variables. */
  private static final int MAX_DEPTH = 4;

  private static final String WITH_CANCEL = FanoutApi.WITH_CANCEL;
  private static final String WITH_TIMEOUT = FanoutApi.WITH_TIMEOUT;
  private static final String WITH_DEADLINE = FanoutApi.WITH_DEADLINE;
  private static final String BACKGROUND = FanoutApi.BACKGROUND;
  private static final String CANCEL = FanoutApi.CANCEL;
  private static final String CLOSE = FanoutApi.CLOSE;
  private static final String TASK_RUN = FanoutApi.TASK_RUN;

  private static final Matcher<ExpressionTree> TASK_START =
      instanceMethod()
          .onExactClass(FanoutApi.TASK_GROUP)
          .namedAnyOf(FanoutApi.GO, FanoutApi.TRY_GO);

  private static final Matcher<ExpressionTree> WITH_CONTEXT_FACTORY =
      staticMethod().onClass(FanoutApi.TASK_GROUP).named(FanoutApi.WITH_CONTEXT);

  private static final Matcher<ExpressionTree> BUILDER_OPEN =
      instanceMethod().onExactClass(FanoutApi.TASK_GROUP_BUILDER).named(FanoutApi.OPEN);

  private static final Matcher<ExpressionTree> GROUP_CONTEXT =
      instanceMethod().onExactClass(FanoutApi.TASK_GROUP).named(FanoutApi.CONTEXT_METHOD);

  private static final Matcher<ExpressionTree> BACKGROUND_CALL =
      staticMethod().onClass(FanoutApi.CONTEXT).named(BACKGROUND);

  private static final Matcher<ExpressionTree> DERIVATION =
      instanceMethod()
          .onDescendantOf(FanoutApi.CONTEXT)
          .namedAnyOf(WITH_CANCEL, WITH_TIMEOUT, WITH_DEADLINE);

  private static final Matcher<ExpressionTree> CANCELLATION =
      instanceMethod().onDescendantOf(FanoutApi.CANCELLABLE_CONTEXT).namedAnyOf(CANCEL, CLOSE);

  // ---------------------------------------------------------------- groups and tasks

  /** Whether {@code tree} is {@code group.go(task)} or {@code group.tryGo(task)} on a TaskGroup. */
  static boolean isTaskStart(ExpressionTree tree, VisitorState state) {
    return tree instanceof MethodInvocationTree methodInvocationTree
        && methodInvocationTree.getArguments().size() == 1
        && TASK_START.matches(tree, state);
  }

  /**
   * Whether {@code tree} makes a group: {@code TaskGroup.withContext(parent)} or {@code
   * TaskGroup.builder()...open(parent)}.
   */
  static boolean isGroupFactory(ExpressionTree tree, VisitorState state) {
    return tree instanceof MethodInvocationTree methodInvocationTree
        && methodInvocationTree.getArguments().size() == 1
        && (WITH_CONTEXT_FACTORY.matches(tree, state) || BUILDER_OPEN.matches(tree, state));
  }

  /** What a group factory call says about the group's limit. */
  enum FactoryLimit {
    /**
     * {@code withContext(parent)}, or a builder chain from {@code TaskGroup.builder()} without
     * {@code limit(..)} or {@code executor(..)}: no limit at all.
     */
    NONE,
    /** A builder chain that calls {@code limit(..)}. */
    SET,
    /**
     * Not a factory, a builder from elsewhere, an {@code executor(..)} (whose threads may bound the
     * tasks), or an option this model does not know.
     */
    UNKNOWN
  }

  private static final Matcher<ExpressionTree> BUILDER_FACTORY =
      staticMethod().onClass(FanoutApi.TASK_GROUP).named(FanoutApi.BUILDER);

  private static final Matcher<ExpressionTree> BUILDER_OPTION =
      instanceMethod().onExactClass(FanoutApi.TASK_GROUP_BUILDER);

  /** Whether the group that the factory call {@code factory} makes has a limit. */
  static FactoryLimit factoryLimit(ExpressionTree factory, VisitorState state) {
    ExpressionTree t = strip(factory);
    if (!isGroupFactory(t, state)) {
      return FactoryLimit.UNKNOWN;
    }
    if (WITH_CONTEXT_FACTORY.matches(t, state)) {
      return FactoryLimit.NONE;
    }
    FactoryLimit result = FactoryLimit.NONE;
    ExpressionTree link = strip(ASTHelpers.getReceiver(t));
    for (int i = 0; i < 64 && link instanceof MethodInvocationTree; i++) {
      if (BUILDER_FACTORY.matches(link, state)) {
        return result;
      }
      if (!BUILDER_OPTION.matches(link, state)) {
        return FactoryLimit.UNKNOWN;
      }
      String name = ASTHelpers.getSymbol((MethodInvocationTree) link).getSimpleName().toString();
      if (name.equals(FanoutApi.BUILDER_LIMIT)) {
        result = FactoryLimit.SET;
      } else if (!name.equals(FanoutApi.BUILDER_THREAD_FACTORY)
          && !name.equals(FanoutApi.BUILDER_COLLECT_ALL_ERRORS)) {
        return FactoryLimit.UNKNOWN; // executor(..), or an option added after this model
      }
      link = strip(ASTHelpers.getReceiver(link));
    }
    return FactoryLimit.UNKNOWN; // a builder held in a variable or returned by a helper
  }

  /** The parent argument of a group factory call, if {@code tree} is one. */
  static Optional<ExpressionTree> factoryParent(ExpressionTree tree, VisitorState state) {
    ExpressionTree t = strip(tree);
    if (!isGroupFactory(t, state)) {
      return Optional.empty();
    }
    return Optional.of(((MethodInvocationTree) t).getArguments().get(0));
  }

  /**
   * The parent context of the group that {@code groupExpr} denotes: the factory's argument when
   * {@code groupExpr} is the factory call itself, or a variable initialised or assigned from one in
   * {@code searchRoot}. Empty when the group's origin is not visible.
   */
  static Optional<ExpressionTree> groupParent(
      ExpressionTree groupExpr, Tree searchRoot, VisitorState state) {
    if (groupExpr == null) {
      return Optional.empty();
    }
    ExpressionTree g = strip(groupExpr);
    Optional<ExpressionTree> direct = factoryParent(g, state);
    if (direct.isPresent()) {
      return direct;
    }
    Symbol sym = ASTHelpers.getSymbol(g);
    if (!(sym instanceof VarSymbol)) {
      return Optional.empty();
    }
    ExpressionTree found = null;
    for (ExpressionTree def : definitions(sym, searchRoot)) {
      Optional<ExpressionTree> parent = factoryParent(def, state);
      if (parent.isEmpty()) {
        return Optional.empty(); // assigned from something else too: don't know which group
      }
      found = parent.get();
    }
    return Optional.ofNullable(found);
  }

  /** Whether {@code tree} is {@code group.context()} on a TaskGroup: a group's derived context. */
  static boolean isGroupContextCall(ExpressionTree tree, VisitorState state) {
    return tree instanceof MethodInvocationTree && GROUP_CONTEXT.matches(tree, state);
  }

  /** Whether {@code tree} is {@code Context.background()}. */
  static boolean isBackgroundCall(ExpressionTree tree, VisitorState state) {
    return tree instanceof MethodInvocationTree && BACKGROUND_CALL.matches(tree, state);
  }

  /**
   * Whether {@code tree} is {@code x.cancel()}, {@code x.cancel(cause)} or {@code x.close()} on a
   * CancellableContext: an action on that context, not work done under it.
   */
  static boolean isCancellation(ExpressionTree tree, VisitorState state) {
    return tree instanceof MethodInvocationTree && CANCELLATION.matches(tree, state);
  }

  /**
   * If {@code tree} is {@code x.withCancel()}, {@code x.withTimeout(..)} or {@code
   * x.withDeadline(..)} on a Context, returns {@code x}.
   */
  static Optional<ExpressionTree> derivationReceiver(ExpressionTree tree, VisitorState state) {
    ExpressionTree t = strip(tree);
    if (t instanceof MethodInvocationTree && DERIVATION.matches(t, state)) {
      return Optional.ofNullable(ASTHelpers.getReceiver(t));
    }
    return Optional.empty();
  }

  /** What kind of tree a task's body was written as. */
  enum TaskKind {
    LAMBDA,
    METHOD_REFERENCE,
    ANONYMOUS_CLASS
  }

  /**
   * A task body whose code is visible in the compilation unit.
   *
   * @param kind how the task was written
   * @param body the code that runs as the task: a lambda's body, or a method body
   * @param bodyPath the path of {@code body}
   * @param contextParameter the task's own context parameter
   * @param declarer the tree that declares {@code contextParameter}: the lambda or the method
   * @param scope the tree whose declarations belong to the task: the lambda, the anonymous class,
   *     or the referenced method
   */
  record TaskBody(
      TaskKind kind,
      Tree body,
      TreePath bodyPath,
      VariableTree contextParameter,
      Tree declarer,
      Tree scope) {

    /** The symbol of the task's own context parameter. */
    public VarSymbol contextSymbol() {
      return ASTHelpers.getSymbol(contextParameter);
    }
  }

  /**
   * The body of the task that {@code taskStart} (a {@link #isTaskStart go/tryGo} call at {@code
   * state.getPath()} or below it) starts, when it is a lambda, an anonymous {@code Task}, or a
   * reference to a method declared in this compilation unit.
   */
  static Optional<TaskBody> taskBody(MethodInvocationTree taskStart, VisitorState state) {
    if (!isTaskStart(taskStart, state)) {
      return Optional.empty();
    }
    ExpressionTree arg = strip(taskStart.getArguments().get(0));
    CompilationUnitTree unit = state.getPath().getCompilationUnit();
    if (arg instanceof LambdaExpressionTree lambda) {

      if (lambda.getParameters().size() != 1) {
        return Optional.empty();
      }
      TreePath lambdaPath = pathTo(state.getPath(), lambda, unit);
      if (lambdaPath == null) {
        return Optional.empty();
      }
      return Optional.of(
          new TaskBody(
              TaskKind.LAMBDA,
              lambda.getBody(),
              new TreePath(lambdaPath, lambda.getBody()),
              lambda.getParameters().get(0),
              lambda,
              lambda));
    }
    if (arg instanceof NewClassTree newClass) {

      ClassTree classBody = newClass.getClassBody();
      if (classBody == null || !isTaskType(ASTHelpers.getType(newClass.getIdentifier()), state)) {
        return Optional.empty();
      }
      for (Tree member : classBody.getMembers()) {
        if (member instanceof MethodTree method) {

          if (isContextMethod(method, state) && method.getName().contentEquals(TASK_RUN)) {
            TreePath bodyPath = pathTo(state.getPath(), method.getBody(), unit);
            if (bodyPath == null) {
              return Optional.empty();
            }
            return Optional.of(
                new TaskBody(
                    TaskKind.ANONYMOUS_CLASS,
                    method.getBody(),
                    bodyPath,
                    method.getParameters().get(0),
                    method,
                    classBody));
          }
        }
      }
      return Optional.empty();
    }
    if (arg instanceof MemberReferenceTree memberReferenceTree) {
      MethodSymbol target = ASTHelpers.getSymbol(memberReferenceTree);
      MethodTree method = target == null ? null : findMethod(target, unit);
      if (method == null || !isContextMethod(method, state)) {
        return Optional.empty();
      }
      TreePath bodyPath = TreePath.getPath(unit, method.getBody());
      if (bodyPath == null) {
        return Optional.empty();
      }
      return Optional.of(
          new TaskBody(
              TaskKind.METHOD_REFERENCE,
              method.getBody(),
              bodyPath,
              method.getParameters().get(0),
              method,
              method));
    }
    return Optional.empty();
  }

  /**
   * The {@code go}/{@code tryGo} calls in this compilation unit whose task is a method reference to
   * {@code method}, in source order. A check that analyses the method's body reports it once, for
   * the first of them.
   */
  static List<MethodInvocationTree> taskStartsReferencing(MethodSymbol method, VisitorState state) {
    List<MethodInvocationTree> starts = new ArrayList<>();
    new TreeScanner<Void, Void>() {
      @Override
      public Void visitMethodInvocation(MethodInvocationTree node, Void unused) {
        if (isTaskStart(node, state)
            && referencedMethod(node.getArguments().get(0)).filter(method::equals).isPresent()) {
          starts.add(node);
        }
        return super.visitMethodInvocation(node, null);
      }
    }.scan(state.getPath().getCompilationUnit(), null);
    return starts;
  }

  /** The method symbol a task argument refers to, if it is a method reference. */
  static Optional<MethodSymbol> referencedMethod(ExpressionTree taskArg) {
    ExpressionTree arg = strip(taskArg);
    if (arg instanceof MemberReferenceTree memberReferenceTree) {
      return Optional.ofNullable(ASTHelpers.getSymbol(memberReferenceTree));
    }
    return Optional.empty();
  }

  private static boolean isContextMethod(MethodTree method, VisitorState state) {
    return method.getBody() != null
        && method.getParameters().size() == 1
        && isContextType(ASTHelpers.getType(method.getParameters().get(0)), state);
  }

  private static boolean isTaskType(Type type, VisitorState state) {
    Type task = TASK_TYPE.get(state);
    return type != null && task != null && ASTHelpers.isSameType(type, task, state);
  }

  private static MethodTree findMethod(MethodSymbol target, CompilationUnitTree unit) {
    MethodTree[] found = new MethodTree[1];
    new TreeScanner<Void, Void>() {
      @Override
      public Void visitMethod(MethodTree method, Void unused) {
        if (found[0] == null && ASTHelpers.getSymbol(method) == target) {
          found[0] = method;
          return null;
        }
        return super.visitMethod(method, null);
      }
    }.scan(unit, null);
    return found[0];
  }

  private static TreePath pathTo(TreePath from, Tree target, CompilationUnitTree unit) {
    if (target == null) {
      return null;
    }
    TreePath path = TreePath.getPath(from, target);
    return path != null ? path : TreePath.getPath(unit, target);
  }

  // ---------------------------------------------------------------- contexts

  /** Whether {@code type} is {@code dev.fanout.Context} or a subtype (CancellableContext). */
  static boolean isContextType(Type type, VisitorState state) {
    if (type == null) {
      return false;
    }
    Type context = CONTEXT_TYPE.get(state);
    return context != null && ASTHelpers.isSubtype(type, context, state);
  }

  /** Whether {@code tree}'s type is a {@code dev.fanout.Context}. */
  static boolean isContext(ExpressionTree tree, VisitorState state) {
    return tree != null && isContextType(ASTHelpers.getType(tree), state);
  }

  /**
   * The expression a context value comes from: {@code tree} without parentheses, casts, and {@code
   * with*} derivations. For {@code (ctx.withTimeout(d)).withCancel()} that is {@code ctx}.
   */
  static ExpressionTree contextRoot(ExpressionTree tree, VisitorState state) {
    ExpressionTree t = strip(tree);
    for (int i = 0; i < 64; i++) {
      Optional<ExpressionTree> receiver = derivationReceiver(t, state);
      if (receiver.isEmpty()) {
        return t;
      }
      t = strip(receiver.get());
    }
    return t;
  }

  /**
   * Whether {@code tree} is the context {@code ctx} or derived from it: its {@link #contextRoot} is
   * {@code ctx}, or a local variable that was only ever initialised or assigned from such an
   * expression in {@code searchRoot}.
   */
  static boolean isDerivedFrom(
      ExpressionTree tree, Symbol ctx, Tree searchRoot, VisitorState state) {
    return isDerivedFrom(tree, ctx, searchRoot, state, MAX_DEPTH);
  }

  private static boolean isDerivedFrom(
      ExpressionTree tree, Symbol ctx, Tree searchRoot, VisitorState state, int depth) {
    if (tree == null || ctx == null) {
      return false;
    }
    Symbol root = ASTHelpers.getSymbol(contextRoot(tree, state));
    if (root == null) {
      return false;
    }
    if (root.equals(ctx)) {
      return true;
    }
    if (depth == 0 || !Variables.isLocalVariable(root)) {
      return false;
    }
    List<ExpressionTree> defs = definitions(root, searchRoot);
    if (defs.isEmpty()) {
      return false;
    }
    for (ExpressionTree def : defs) {
      if (!isDerivedFrom(def, ctx, searchRoot, state, depth - 1)) {
        return false;
      }
    }
    return true;
  }

  /**
   * Whether the variable {@code var} may hold a group's derived context ({@code g.context()} or a
   * context derived from it), judged from its initialiser and assignments in {@code searchRoot}.
   * Answers {@code false} for parameters and for variables that no visible code sets from a group's
   * context; {@code true} when the chain of local variables is too long to follow.
   */
  static boolean mayHoldGroupContext(Symbol var, Tree searchRoot, VisitorState state) {
    return mayHoldGroupContext(var, searchRoot, state, MAX_DEPTH);
  }

  private static boolean mayHoldGroupContext(
      Symbol var, Tree searchRoot, VisitorState state, int depth) {
    if (depth < 0) {
      return true;
    }
    ElementKind kind = var.getKind();
    if (kind == ElementKind.PARAMETER) {
      return false;
    }
    // A variable without a visible definition (a loop variable, a pattern binding, a field set
    // elsewhere) holds a context from outside: not a group's own.
    List<ExpressionTree> defs = definitions(var, searchRoot);
    for (ExpressionTree def : defs) {
      if (mentionsGroupContext(def, searchRoot, state, depth)) {
        return true;
      }
    }
    return false;
  }

  private static boolean mentionsGroupContext(
      ExpressionTree def, Tree searchRoot, VisitorState state, int depth) {
    boolean[] found = new boolean[1];
    new TreeScanner<Void, Void>() {
      @Override
      public Void visitMethodInvocation(MethodInvocationTree node, Void unused) {
        if (isGroupContextCall(node, state)) {
          found[0] = true;
          return null;
        }
        return super.visitMethodInvocation(node, null);
      }

      @Override
      public Void visitIdentifier(IdentifierTree node, Void unused) {
        Symbol sym = ASTHelpers.getSymbol(node);
        if (sym instanceof VarSymbol
            && Variables.isLocalVariable(sym)
            && isContextType(sym.type, state)
            && mayHoldGroupContext(sym, searchRoot, state, depth - 1)) {
          found[0] = true;
        }
        return null;
      }
    }.scan(def, null);
    return found[0];
  }

  // ---------------------------------------------------------------- variables

  /** The initialiser and every right-hand side assigned to {@code var} inside {@code root}. */
  static List<ExpressionTree> definitions(Symbol var, Tree root) {
    List<ExpressionTree> defs = new ArrayList<>();
    if (var == null || root == null) {
      return defs;
    }
    new TreeScanner<Void, Void>() {
      @Override
      public Void visitVariable(VariableTree node, Void unused) {
        if (node.getInitializer() != null && var.equals(ASTHelpers.getSymbol(node))) {
          defs.add(node.getInitializer());
        }
        return super.visitVariable(node, null);
      }

      @Override
      public Void visitAssignment(AssignmentTree node, Void unused) {
        if (var.equals(ASTHelpers.getSymbol(node.getVariable()))) {
          defs.add(node.getExpression());
        }
        return super.visitAssignment(node, null);
      }
    }.scan(root, null);
    return defs;
  }

  /** The symbols of every variable (local, parameter, field) declared inside {@code tree}. */
  static Set<Symbol> declaredIn(Tree tree) {
    Set<Symbol> declared = new HashSet<>();
    new TreeScanner<Void, Void>() {
      @Override
      public Void visitVariable(VariableTree node, Void unused) {
        Symbol sym = ASTHelpers.getSymbol(node);
        if (sym != null) {
          declared.add(sym);
        }
        return super.visitVariable(node, null);
      }
    }.scan(tree, null);
    return declared;
  }

  /**
   * Where to look for the definitions of {@code var} used at {@code usePath}: the whole compilation
   * unit for a field, else the outermost method (or class, for initialiser blocks and field
   * initialisers) enclosing the use.
   */
  static Tree searchRootFor(Symbol var, TreePath usePath) {
    if (var.getKind() == ElementKind.FIELD || usePath == null) {
      return usePath == null ? null : usePath.getCompilationUnit();
    }
    Tree outermost = null;
    for (TreePath p = usePath; p != null; p = p.getParentPath()) {
      if (p.getLeaf() instanceof MethodTree) {
        outermost = p.getLeaf();
      }
    }
    return outermost != null ? outermost : usePath.getCompilationUnit();
  }

  /** {@code tree} without enclosing parentheses and casts. */
  static ExpressionTree strip(ExpressionTree tree) {
    ExpressionTree t = tree;
    while (true) {
      if (t instanceof ParenthesizedTree) {
        t = ((ParenthesizedTree) t).getExpression();
      } else if (t instanceof TypeCastTree) {
        t = ((TypeCastTree) t).getExpression();
      } else {
        return t;
      }
    }
  }

  /** Whether {@code tree} names a variable: an identifier or a field selection. */
  static boolean isVariableReference(Tree tree) {
    return (tree instanceof IdentifierTree || tree instanceof MemberSelectTree)
        && ASTHelpers.getSymbol(tree) instanceof VarSymbol;
  }
}
