package dev.fanout.errorprone;

import static com.google.errorprone.BugPattern.LinkType.CUSTOM;
import static com.google.errorprone.BugPattern.SeverityLevel.WARNING;

import com.google.auto.service.AutoService;
import com.google.errorprone.BugPattern;
import com.google.errorprone.BugPattern.StandardTags;
import com.google.errorprone.ErrorProneFlags;
import com.google.errorprone.VisitorState;
import com.google.errorprone.bugpatterns.BugChecker;
import com.google.errorprone.bugpatterns.BugChecker.AssignmentTreeMatcher;
import com.google.errorprone.bugpatterns.BugChecker.CompoundAssignmentTreeMatcher;
import com.google.errorprone.bugpatterns.BugChecker.MemberReferenceTreeMatcher;
import com.google.errorprone.bugpatterns.BugChecker.MethodInvocationTreeMatcher;
import com.google.errorprone.bugpatterns.BugChecker.UnaryTreeMatcher;
import com.google.errorprone.fixes.SuggestedFix;
import com.google.errorprone.matchers.Description;
import com.google.errorprone.util.ASTHelpers;
import com.sun.source.tree.ArrayAccessTree;
import com.sun.source.tree.AssignmentTree;
import com.sun.source.tree.ClassTree;
import com.sun.source.tree.CompoundAssignmentTree;
import com.sun.source.tree.ExpressionTree;
import com.sun.source.tree.IdentifierTree;
import com.sun.source.tree.LambdaExpressionTree;
import com.sun.source.tree.MemberReferenceTree;
import com.sun.source.tree.MemberSelectTree;
import com.sun.source.tree.MethodInvocationTree;
import com.sun.source.tree.MethodTree;
import com.sun.source.tree.NewClassTree;
import com.sun.source.tree.Tree;
import com.sun.source.tree.UnaryTree;
import com.sun.source.util.TreePath;
import com.sun.tools.javac.code.Symbol;
import com.sun.tools.javac.code.Symbol.MethodSymbol;
import com.sun.tools.javac.code.Symbol.VarSymbol;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import javax.inject.Inject;
import javax.lang.model.element.ElementKind;
import javax.lang.model.element.Modifier;
import org.jspecify.annotations.Nullable;

/**
 * Flags writes to shared, non-thread-safe state from code that runs concurrently: an {@code
 * ArrayList.add} inside {@code executor.submit(...)}, a {@code HashMap.put} in a parallel {@code
 * forEach}, {@code count++} on a field from {@code CompletableFuture.runAsync}.
 *
 * <p>The check asks {@link TaskSinks} whether the enclosing lambda, method reference or anonymous
 * class runs as a task, {@link ThreadSafety} whether the written object is thread-safe, and {@link
 * GuardedRegions} whether a lock is held. It stays silent whenever any of them can't tell.
 *
 * <p>About 400 lines: five matchers (calls, method references, {@code ++}, compound and plain
 * assignments) each find their target; whether it is shared is {@link SharedState}, whether the
 * sharing is concurrent {@link JoinOrder}, the fixes {@link SharedMutationFixes}.
 */
@AutoService(BugChecker.class)
@BugPattern(
    summary =
        "Unsynchronized write to shared, non-thread-safe state from code that runs concurrently",
    explanation =
        "Tasks run at the same time as each other and as the code that started them. An ArrayList,"
            + " HashMap, StringBuilder or a plain counter written from several of them at once"
            + " loses updates, holds nulls, or throws ArrayIndexOutOfBoundsException inside add."
            + " Use a thread-safe collection, an atomic, or a lock.",
    severity = WARNING,
    tags = StandardTags.LIKELY_ERROR,
    linkType = CUSTOM,
    link = FanoutApi.DOCS + "UnsafeSharedMutationInTask.md")
public final class UnsafeSharedMutationInTask extends BugChecker
    implements MethodInvocationTreeMatcher,
        MemberReferenceTreeMatcher,
        UnaryTreeMatcher,
        CompoundAssignmentTreeMatcher,
        AssignmentTreeMatcher {

  private final TaskSinks sinks;
  private final TaskRuns taskRuns;
  private final ThreadSafety safety;
  private final JoinOrder joins;

  /**
   * For {@link java.util.ServiceLoader}: Error Prone finds plugin checks through it, and it insists
   * on a public no-arg constructor even though Error Prone then builds the check through the
   * {@code @Inject} constructor below, with the user's flags.
   */
  public UnsafeSharedMutationInTask() {
    this(ErrorProneFlags.empty());
  }

  @Inject
  public UnsafeSharedMutationInTask(ErrorProneFlags flags) {
    FanoutFlags options = FanoutFlags.from(flags);
    this.sinks = new TaskSinks(options);
    this.taskRuns = new TaskRuns(sinks);
    this.safety = new ThreadSafety(options);
    this.joins = new JoinOrder(sinks);
  }

  /** What kind of write, which decides what counts as a race. */
  private enum Kind {
    /** A mutating call on a collection, map or builder. */
    CALL,
    /**
     * A mutating call on a value of a thread-safe map: {@code map.computeIfAbsent(k, f).add(v)}.
     */
    VALUE,
    /** {@code ++}, {@code --} or compound assignment: read-modify-write. */
    COUNTER,
    /** Plain assignment to a field: a race only when several tasks write it. */
    ASSIGN
  }

  /** The shared thing written: a variable, and the expression that names it at the write. */
  private static final class Target {
    final Symbol var;
    final ExpressionTree ref;
    final Kind kind;

    /** For {@link Kind#VALUE}: the constructor call that makes each value, if visible. */
    final @Nullable NewClassTree valueFactory;

    /**
     * What decides how many tasks share the target: the local a field access is rooted at ({@code
     * shard.results}: one shard per task in a loop), else the variable itself.
     */
    final Symbol scope;

    Target(Symbol var, ExpressionTree ref, Kind kind, @Nullable NewClassTree valueFactory) {
      this.var = var;
      this.ref = ref;
      this.kind = kind;
      this.valueFactory = valueFactory;
      Symbol root = rootLocal(ref);
      this.scope = root != null ? root : var;
    }
  }

  @Override
  public Description matchMethodInvocation(MethodInvocationTree tree, VisitorState state) {
    return matchCall(tree, state);
  }

  @Override
  public Description matchMemberReference(MemberReferenceTree tree, VisitorState state) {
    return matchReference(tree, state);
  }

  @Override
  public Description matchUnary(UnaryTree tree, VisitorState state) {
    return switch (tree.getKind()) {
      case PREFIX_INCREMENT, PREFIX_DECREMENT, POSTFIX_INCREMENT, POSTFIX_DECREMENT ->
          matchLvalue(tree, tree.getExpression(), Kind.COUNTER, state);
      default -> Description.NO_MATCH;
    };
  }

  @Override
  public Description matchCompoundAssignment(CompoundAssignmentTree tree, VisitorState state) {
    return matchLvalue(tree, tree.getVariable(), Kind.COUNTER, state);
  }

  @Override
  public Description matchAssignment(AssignmentTree tree, VisitorState state) {
    // count = count + 1 is a read-modify-write, like count++.
    ExpressionTree lhs = ASTHelpers.stripParentheses(tree.getVariable());
    Symbol assigned =
        ASTHelpers.getSymbol(lhs instanceof ArrayAccessTree cell ? cell.getExpression() : lhs);
    Kind kind =
        assigned != null && Mentions.readsDirectly(tree.getExpression(), assigned)
            ? Kind.COUNTER
            : Kind.ASSIGN;
    return matchLvalue(tree, tree.getVariable(), kind, state);
  }

  // ---------------------------------------------------------------- the writes

  private Description matchCall(MethodInvocationTree tree, VisitorState state) {
    MethodSymbol sym = ASTHelpers.getSymbol(tree);
    if (sym == null || !ThreadSafety.isMutatorName(sym) || !mayRunAsTask(state.getPath())) {
      return Description.NO_MATCH;
    }
    ExpressionTree receiver = ASTHelpers.getReceiver(tree);
    if (receiver == null) {
      return Description.NO_MATCH;
    }
    receiver = ASTHelpers.stripParentheses(receiver);
    Target target;
    Symbol var = variable(receiver);
    if (var != null) {
      if (safety.ofVariable(var, state) != ThreadSafety.Safety.UNSAFE) {
        return Description.NO_MATCH;
      }
      target = new Target(var, receiver, Kind.CALL, null);
    } else if (receiver instanceof MethodInvocationTree) {
      target = valueOfThreadSafeMap((MethodInvocationTree) receiver, state);
      if (target == null) {
        return Description.NO_MATCH;
      }
    } else {
      return Description.NO_MATCH;
    }
    return analyze(tree, target, state);
  }

  /**
   * {@code map.computeIfAbsent(k, k -> new ArrayList<>())}, where the map is thread-safe but its
   * values aren't: every task adding under the same key shares one value.
   */
  private @Nullable Target valueOfThreadSafeMap(MethodInvocationTree call, VisitorState state) {
    MethodSymbol sym = ASTHelpers.getSymbol(call);
    if (sym == null
        || !ThreadSafety.VALUE_FOR_KEY.contains(sym.getSimpleName().toString())
        || !TaskSinks.isSubtype(sym.owner.type, "java.util.Map", state)) {
      return null;
    }
    ExpressionTree mapExpr = ASTHelpers.getReceiver(call);
    Symbol map = mapExpr == null ? null : variable(ASTHelpers.stripParentheses(mapExpr));
    if (map == null || safety.ofVariable(map, state) != ThreadSafety.Safety.SAFE) {
      return null; // an unsafe map is reported at its own mutating call
    }
    NewClassTree factory = null;
    if (sym.getSimpleName().contentEquals("computeIfAbsent") && call.getArguments().size() == 2) {
      ExpressionTree fn = ASTHelpers.stripParentheses(call.getArguments().get(1));
      if (fn instanceof LambdaExpressionTree lambdaExpressionTree
          && lambdaExpressionTree.getBody() instanceof NewClassTree) {
        factory = (NewClassTree) lambdaExpressionTree.getBody();
      }
    }
    boolean unsafeValues =
        safety.ofType(ASTHelpers.getType(call), state) == ThreadSafety.Safety.UNSAFE
            || (factory != null
                && safety.ofValue(factory, state) == ThreadSafety.Safety.UNSAFE
                && safety.ofType(ASTHelpers.getType(call), state) != ThreadSafety.Safety.SAFE);
    return unsafeValues
        ? new Target(map, ASTHelpers.stripParentheses(mapExpr), Kind.VALUE, factory)
        : null;
  }

  /** {@code results::add} on a shared {@code ArrayList}, handed to a sink. */
  private Description matchReference(MemberReferenceTree tree, VisitorState state) {
    if (tree.getMode() != MemberReferenceTree.ReferenceMode.INVOKE) {
      return Description.NO_MATCH;
    }
    MethodSymbol sym = ASTHelpers.getSymbol(tree);
    if (sym == null
        || !ThreadSafety.isMutatorName(sym)
        || ASTHelpers.isStatic(sym)
        || !mayRunAsTask(state.getPath())) {
      return Description.NO_MATCH;
    }
    ExpressionTree qualifier = ASTHelpers.stripParentheses(tree.getQualifierExpression());
    Symbol var = variable(qualifier);
    if (var == null || safety.ofVariable(var, state) != ThreadSafety.Safety.UNSAFE) {
      return Description.NO_MATCH; // includes unbound references such as List::add
    }
    return analyze(tree, new Target(var, qualifier, Kind.CALL, null), state);
  }

  private Description matchLvalue(
      ExpressionTree write, ExpressionTree lvalue, Kind kind, VisitorState state) {
    if (!mayRunAsTask(state.getPath())) {
      return Description.NO_MATCH;
    }
    lvalue = ASTHelpers.stripParentheses(lvalue);
    if (lvalue instanceof ArrayAccessTree) {
      ArrayAccessTree access = (ArrayAccessTree) lvalue;
      if (kind == Kind.ASSIGN || ASTHelpers.constValue(access.getIndex()) == null) {
        return Description.NO_MATCH; // results[i] = ...: distinct slots
      }
      ExpressionTree array = ASTHelpers.stripParentheses(access.getExpression());
      Symbol var = variable(array);
      if (var == null) {
        return Description.NO_MATCH;
      }
      return analyze(write, new Target(var, array, kind, null), state);
    }
    Symbol var = variable(lvalue);
    if (var == null || var.getKind() != ElementKind.FIELD) {
      return Description.NO_MATCH;
    }
    if (kind == Kind.ASSIGN
        && (var.getModifiers().contains(Modifier.VOLATILE)
            || var.getModifiers().contains(Modifier.FINAL))) {
      return Description.NO_MATCH;
    }
    if (ThreadSafety.unsafeTypeName(var.type, state) == null
        && safety.ofType(var.type, state) == ThreadSafety.Safety.SAFE) {
      return Description.NO_MATCH; // an AtomicReference field reassigned: not our concern
    }
    return analyze(write, new Target(var, lvalue, kind, null), state);
  }

  /** The local variable a chain of field accesses starts from ({@code a} in {@code a.b.c}). */
  private static @Nullable Symbol rootLocal(ExpressionTree ref) {
    ExpressionTree e = ASTHelpers.stripParentheses(ref);
    while (e instanceof MemberSelectTree) {
      e = ASTHelpers.stripParentheses(((MemberSelectTree) e).getExpression());
    }
    if (e instanceof IdentifierTree) {
      Symbol sym = ASTHelpers.getSymbol(e);
      return sym != null && Variables.isMethodScoped(sym) ? sym : null;
    }
    return null;
  }

  /** The variable an identifier or field access names, or null. */
  private static @Nullable Symbol variable(ExpressionTree expr) {
    if (!(expr instanceof IdentifierTree) && !(expr instanceof MemberSelectTree)) {
      return null;
    }
    Symbol sym = ASTHelpers.getSymbol(expr);
    if (!(sym instanceof VarSymbol)
        || sym.getSimpleName().contentEquals("this")
        || sym.getSimpleName().contentEquals("super")) {
      return null; // javac models this and super as variables; they aren't shared state we judge
    }
    return sym;
  }

  // ---------------------------------------------------------------- the analysis

  /**
   * A cheap first look: only code in a lambda, a method reference, an anonymous class, or a private
   * or final method can run as a task. Most writes end here, before any scan.
   */
  private static boolean mayRunAsTask(TreePath path) {
    if (path.getLeaf() instanceof MemberReferenceTree) {
      return true;
    }
    for (TreePath p = path.getParentPath(); p != null; p = p.getParentPath()) {
      Tree leaf = p.getLeaf();
      if (leaf instanceof LambdaExpressionTree) {
        return true;
      }
      if (leaf instanceof ClassTree) {
        return p.getParentPath() != null && p.getParentPath().getLeaf() instanceof NewClassTree;
      }
      if (leaf instanceof MethodTree methodTree) {
        TreePath cls = p.getParentPath();
        if (cls != null
            && cls.getParentPath() != null
            && cls.getParentPath().getLeaf() instanceof NewClassTree) {
          return true;
        }
        Set<Modifier> mods = methodTree.getModifiers().getFlags();
        return mods.contains(Modifier.PRIVATE) || mods.contains(Modifier.FINAL);
      }
    }
    return false;
  }

  private Description analyze(ExpressionTree write, Target target, VisitorState state) {
    TreePath writePath = state.getPath();
    TaskRuns.TaskRun site = null;
    for (TaskRuns.TaskRun run : taskRuns.tasksRunning(writePath, state)) {
      if (!run.sink.serial) {
        site = run; // a serial executor's tasks run one at a time, on the thread owning the state
        break;
      }
    }
    if (site == null
        || !SharedState.isShared(target.var, target.ref, site, state)
        || SharedState.isGuarded(writePath, site, state)
        || !joins.isConcurrent(
            site, new JoinOrder.Written(target.scope, target.kind != Kind.ASSIGN), state)) {
      return Description.NO_MATCH;
    }
    String what =
        target.kind == Kind.VALUE
            ? "a value of " + state.getSourceForNode(target.ref)
            : state.getSourceForNode(target.ref);

    String why =
        switch (target.kind) {
          case COUNTER ->
              "the update is a read-modify-write, so concurrent updates are lost (volatile does"
                  + " not help)";
          case ASSIGN ->
              "several tasks assign it, so which write wins is unordered and other threads may not"
                  + " see it";
          default -> "it is not thread-safe, so concurrent writes lose updates or corrupt it";
        };
    String message =
        String.format(
            "%s is written by a task run through %s while other code may use it, without"
                + " synchronization; %s",
            what, site.sink.description, why);
    List<SuggestedFix> fixes =
        SharedMutationFixes.forWrite(
            write,
            writePath,
            target.var,
            target.ref,
            target.kind == Kind.CALL || target.kind == Kind.VALUE,
            target.valueFactory,
            target.kind == Kind.VALUE,
            state);
    if (!fixes.isEmpty()) {
      // javac shows only each fix's first changed line ("Did you mean"), which for a block
      // spread over lines is the line it opens on: the message says what each fix does.
      List<String> does = new ArrayList<>();
      for (SuggestedFix fix : fixes) {
        does.add(fix.getShortDescription());
      }
      String remedy = String.join(", or ", does);
      message += ". " + Character.toUpperCase(remedy.charAt(0)) + remedy.substring(1) + ".";
    } else {
      message +=
          ". No fix offered: no thread-safe declaration keeps the same behaviour, and the write is"
              + " not a statement of its own with an object to lock that a synchronized block"
              + " could wrap; guard it by hand.";
    }
    Description.Builder description = buildDescription(write).setMessage(message);
    for (SuggestedFix fix : fixes) {
      description.addFix(fix);
    }
    return description.build();
  }
}
