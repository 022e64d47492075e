package dev.fanout.errorprone;

import static com.google.errorprone.BugPattern.LinkType.CUSTOM;
import static com.google.errorprone.BugPattern.SeverityLevel.WARNING;

import com.google.auto.service.AutoService;
import com.google.errorprone.BugPattern;
import com.google.errorprone.BugPattern.StandardTags;
import com.google.errorprone.VisitorState;
import com.google.errorprone.bugpatterns.BugChecker;
import com.google.errorprone.bugpatterns.BugChecker.MethodInvocationTreeMatcher;
import com.google.errorprone.fixes.SuggestedFix;
import com.google.errorprone.fixes.SuggestedFixes;
import com.google.errorprone.matchers.Description;
import com.google.errorprone.util.ASTHelpers;
import com.google.errorprone.util.FindIdentifiers;
import com.sun.source.tree.AssignmentTree;
import com.sun.source.tree.BinaryTree;
import com.sun.source.tree.ClassTree;
import com.sun.source.tree.ExpressionTree;
import com.sun.source.tree.IdentifierTree;
import com.sun.source.tree.MemberReferenceTree;
import com.sun.source.tree.MemberSelectTree;
import com.sun.source.tree.MethodInvocationTree;
import com.sun.source.tree.MethodTree;
import com.sun.source.tree.NewClassTree;
import com.sun.source.tree.ParenthesizedTree;
import com.sun.source.tree.Tree;
import com.sun.source.tree.VariableTree;
import com.sun.source.util.TreePath;
import com.sun.source.util.TreePathScanner;
import com.sun.source.util.TreeScanner;
import com.sun.tools.javac.code.Symbol;
import com.sun.tools.javac.code.Symbol.MethodSymbol;
import com.sun.tools.javac.code.Symbol.VarSymbol;
import com.sun.tools.javac.code.Type;
import dev.fanout.errorprone.TaskGroupModel.TaskBody;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import javax.lang.model.element.ElementKind;
import javax.lang.model.element.Modifier;

/**
 * Flags a task of a {@code TaskGroup} that uses a context other than its own: the group's parent, a
 * context captured from the enclosing scope or read from a field, or {@code Context.background()}.
 * Such work is not cancelled when a sibling fails or the group ends.
 *
 * <p>Why this file is over the package's ~400 lines: about half of it is the fix (naming an unnamed
 * context parameter, choosing a fresh name that shadows nothing, rewriting each use), which only
 * this check needs; the context model it asks is {@link TaskGroupModel}.
 */
@AutoService(BugChecker.class)
@BugPattern(
    summary =
        "A TaskGroup task uses a context other than its own; a sibling's failure will not cancel"
            + " that work. Use the task's context parameter.",
    explanation =
        "Every task receives the group's derived context as its parameter; the group"
            + " cancels it when a task fails, when the parent is cancelled or its deadline"
            + " passes, and when the group ends. Work started under any other context (the"
            + " group's parent, a captured or field context, an enclosing group's, or"
            + " Context.background()) does not stop with the group: it runs on after a sibling's"
            + " failure, or past the deadline. Use the task's own context.",
    severity = WARNING,
    tags = StandardTags.LIKELY_ERROR,
    linkType = CUSTOM,
    link = FanoutApi.DOCS + "ParentContextInTask.md")
public final class ParentContextInTask extends BugChecker implements MethodInvocationTreeMatcher {

  /** Names tried, in order, when the task's context parameter must be (re)named. */
  private static final String[] FRESH_NAMES = {"ctx", "taskCtx", "taskContext"};

  @Override
  public Description matchMethodInvocation(MethodInvocationTree tree, VisitorState state) {
    for (Description d : check(tree, state)) {
      state.reportMatch(d);
    }
    return Description.NO_MATCH;
  }

  private List<Description> check(MethodInvocationTree tree, VisitorState state) {
    if (!TaskGroupModel.isTaskStart(tree, state)) {
      return List.of();
    }
    Optional<TaskBody> maybeBody = TaskGroupModel.taskBody(tree, state);
    if (maybeBody.isEmpty()) {
      return List.of();
    }
    TaskBody task = maybeBody.get();
    VarSymbol own = task.contextSymbol();
    if (own == null) {
      return List.of();
    }
    Optional<MethodSymbol> referenced = TaskGroupModel.referencedMethod(tree.getArguments().get(0));
    if (referenced.isPresent() && !isFirstTaskReference(tree, referenced.get(), state)) {
      return List.of(); // the method's body was already checked for an earlier go/tryGo
    }

    Symbol group = ASTHelpers.getSymbol(ASTHelpers.getReceiver(tree));
    Optional<ExpressionTree> parent =
        TaskGroupModel.groupParent(
            ASTHelpers.getReceiver(tree),
            group == null
                ? state.getPath().getCompilationUnit()
                : TaskGroupModel.searchRootFor(group, state.getPath()),
            state);
    Set<Symbol> inside = TaskGroupModel.declaredIn(task.scope());

    // Tasks that enclose this go/tryGo call. A task of the same group receives the same derived
    // context, so its parameter is this task's context too; an enclosing group's context is an
    // ancestor of this group's, and using it is the nested form of the mistake.
    Set<Symbol> sameGroupContexts = new HashSet<>();
    Set<Symbol> enclosingGroups = new HashSet<>();
    Tree child = tree;
    for (TreePath p = state.getPath().getParentPath(); p != null; p = p.getParentPath()) {
      Tree leaf = p.getLeaf();
      if (leaf instanceof MethodInvocationTree start
          && start.getArguments().contains(child)
          && TaskGroupModel.isTaskStart(start, state)) {

        Symbol enclosingGroup = ASTHelpers.getSymbol(ASTHelpers.getReceiver(start));
        Optional<TaskBody> enclosing = TaskGroupModel.taskBody(start, state.withPath(p));
        if (enclosingGroup != null && enclosing.isPresent()) {
          if (enclosingGroup.equals(group)) {
            sameGroupContexts.add(enclosing.get().contextSymbol());
          } else {
            enclosingGroups.add(enclosingGroup);
          }
        }
      }
      child = leaf;
    }

    List<Finding> findings = new ArrayList<>();
    new TreePathScanner<Void, Void>() {
      @Override
      public Void visitMethodInvocation(MethodInvocationTree node, Void unused) {
        if (TaskGroupModel.isTaskStart(node, state)) {
          // A nested task is checked on its own, against its own context parameter.
          scan(node.getMethodSelect(), null);
          return null;
        }
        if (TaskGroupModel.isBackgroundCall(node, state)) {
          findings.add(new Finding(getCurrentPath(), "Context.background()"));
          return null;
        }
        if (TaskGroupModel.isCancellation(node, state)) {
          // Cancelling a context (a "first result wins" task stopping its siblings through the
          // group's parent) acts on that context; it does not do the task's work under it.
          scan(node.getArguments(), null);
          return null;
        }
        if (TaskGroupModel.isGroupContextCall(node, state)) {
          Symbol owner = ASTHelpers.getSymbol(ASTHelpers.getReceiver(node));
          if (owner != null && enclosingGroups.contains(owner)) {
            findings.add(
                new Finding(
                    getCurrentPath(),
                    "the context of the enclosing group '" + owner.getSimpleName() + "'"));
            return null;
          }
        }
        return super.visitMethodInvocation(node, null);
      }

      @Override
      public Void visitAssignment(AssignmentTree node, Void unused) {
        // Writing a variable is not a use of the context it held; reading the value assigned is.
        ExpressionTree lhs = node.getVariable();
        if (lhs instanceof MemberSelectTree memberSelectTree) {
          scan(memberSelectTree.getExpression(), null);
        } else if (!(lhs instanceof IdentifierTree)) {
          scan(lhs, null);
        }
        scan(node.getExpression(), null);
        return null;
      }

      @Override
      public Void visitBinary(BinaryTree node, Void unused) {
        // Comparing contexts by identity does no work under either of them.
        if (node.getKind() == Tree.Kind.EQUAL_TO || node.getKind() == Tree.Kind.NOT_EQUAL_TO) {
          for (ExpressionTree operand : List.of(node.getLeftOperand(), node.getRightOperand())) {
            if (!TaskGroupModel.isVariableReference(TaskGroupModel.strip(operand))) {
              scan(operand, null);
            }
          }
          return null;
        }
        return super.visitBinary(node, null);
      }

      @Override
      public Void visitIdentifier(IdentifierTree node, Void unused) {
        consider(node);
        return null;
      }

      @Override
      public Void visitMemberSelect(MemberSelectTree node, Void unused) {
        if (ASTHelpers.getSymbol(node) instanceof VarSymbol) {
          consider(node);
          return null;
        }
        return super.visitMemberSelect(node, null);
      }

      private void consider(ExpressionTree node) {
        Symbol sym = ASTHelpers.getSymbol(node);
        if (!(sym instanceof VarSymbol)
            || sym.equals(own)
            || inside.contains(sym)
            || sameGroupContexts.contains(sym)
            || !TaskGroupModel.isContextType(sym.type, state)) {
          return;
        }
        Tree root = TaskGroupModel.searchRootFor(sym, getCurrentPath());
        if (TaskGroupModel.mayHoldGroupContext(sym, root, state)) {
          return;
        }
        findings.add(new Finding(getCurrentPath(), describe(sym, parent, root, state)));
      }
    }.scan(task.bodyPath(), null);

    List<Description> descriptions = new ArrayList<>();
    for (Finding f : findings) {
      if (suppressedAt(f.path(), state)) {
        continue;
      }
      ExpressionTree offending = (ExpressionTree) f.path().getLeaf();
      String message =
          String.format(
              "This task uses %s instead of its own context '%s': it is not cancelled when"
                  + " a sibling fails or when the group ends, and the group's caller cannot"
                  + " stop it. Use the task's context parameter.",
              f.what(), own.getSimpleName());
      descriptions.add(
          fix(offending, f.path(), task, state)
              .describe(buildDescription(offending), message)
              .build());
    }
    return descriptions;
  }

  private record Finding(TreePath path, String what) {}

  /**
   * Whether a declaration enclosing {@code path} suppresses this check. Error Prone itself only
   * honours suppressions that enclose the go/tryGo call where the check runs; this lets a local
   * variable inside the task, or the method a reference names, carry the suppression too.
   */
  private boolean suppressedAt(TreePath path, VisitorState state) {
    for (TreePath p = path; p != null; p = p.getParentPath()) {
      Tree leaf = p.getLeaf();
      if ((leaf instanceof VariableTree || leaf instanceof MethodTree || leaf instanceof ClassTree)
          && isSuppressed(leaf, state)) {
        return true;
      }
    }
    return false;
  }

  private static String describe(
      Symbol sym, Optional<ExpressionTree> parent, Tree root, VisitorState state) {
    String name = "'" + sym.getSimpleName() + "'";
    if (parent.isPresent() && TaskGroupModel.isDerivedFrom(parent.get(), sym, root, state)) {
      return "the group's parent context " + name;
    }
    if (sym.getKind() == ElementKind.FIELD) {
      return "the context in field " + name;
    }
    return "the context " + name + " captured from the enclosing scope";
  }

  /**
   * Whether {@code tree} is, in source order, the first go/tryGo in the compilation unit whose task
   * is a reference to {@code method}: a method used as several tasks is reported once.
   */
  private static boolean isFirstTaskReference(
      MethodInvocationTree tree, MethodSymbol method, VisitorState state) {
    List<MethodInvocationTree> starts = TaskGroupModel.taskStartsReferencing(method, state);
    return !starts.isEmpty() && starts.get(0) == tree;
  }

  // ---------------------------------------------------------------- the fix

  /**
   * Replaces {@code offending} with the task's context parameter, naming or renaming that parameter
   * when its name cannot be used at the offending expression. Empty when a context of type {@code
   * Context} would not fit where {@code offending} stands.
   */
  private static FixOffer fix(
      ExpressionTree offending, TreePath path, TaskBody task, VisitorState state) {
    if (!contextFits(offending, path, state)) {
      return FixOffer.none(
          "the task's context, of type Context, does not fit where this expression stands.");
    }
    VariableTree param = task.contextParameter();
    String name = param.getName().toString();
    Optional<Boolean> shadowed = shadowedAt(name, path, task.declarer(), state);
    if (shadowed.isEmpty()) {
      return FixOffer.none(
          "the task's context parameter can't be used here (a static method or a local record,"
              + " enum or interface lies between); pass it in.");
    }
    if (isUsableName(name) && !shadowed.get()) {
      return FixOffer.of(SuggestedFix.replace(offending, name));
    }
    String fresh = freshName(task, path, state);
    if (fresh == null) {
      return FixOffer.none("no free name was found for the task's context parameter.");
    }
    SuggestedFix.Builder fix = SuggestedFix.builder();
    if (isUsableName(name)) {
      fix.merge(SuggestedFixes.renameVariable(param, fresh, state));
    } else {
      fix.merge(nameParameter(param, fresh, state));
    }
    fix.replace(offending, fresh);
    return FixOffer.of(fix.build());
  }

  /**
   * Whether a declaration named {@code name} hides the task's parameter at {@code usePath}: a class
   * between the use and the task that declares or inherits a variable of that name. Java forbids
   * every other kind of shadowing of a lambda or method parameter. Empty when a static context (a
   * local record, enum or interface, a static method) lies between: the task's parameter cannot be
   * used there at all.
   */
  private static Optional<Boolean> shadowedAt(
      String name, TreePath usePath, Tree declarer, VisitorState state) {
    boolean shadowed = false;
    for (TreePath p = usePath; p != null && p.getLeaf() != declarer; p = p.getParentPath()) {
      Tree leaf = p.getLeaf();
      if (leaf instanceof MethodTree methodTree
          && methodTree.getModifiers().getFlags().contains(Modifier.STATIC)) {
        return Optional.empty();
      }
      if (!(leaf instanceof ClassTree cls)) {
        continue;
      }

      if (cls.getKind() != Tree.Kind.CLASS
          || cls.getModifiers().getFlags().contains(Modifier.STATIC)) {
        return Optional.empty();
      }
      if (isUsableName(name) && (declaresVariable(cls, name) || inheritsField(cls, name, state))) {
        shadowed = true;
      }
    }
    return Optional.of(shadowed);
  }

  private static boolean declaresVariable(Tree tree, String name) {
    boolean[] found = new boolean[1];
    new TreeScanner<Void, Void>() {
      @Override
      public Void visitVariable(VariableTree node, Void unused) {
        if (node.getName().contentEquals(name)) {
          found[0] = true;
        }
        return super.visitVariable(node, null);
      }
    }.scan(tree, null);
    return found[0];
  }

  private static boolean inheritsField(ClassTree cls, String name, VisitorState state) {
    Symbol.ClassSymbol sym = ASTHelpers.getSymbol(cls);
    if (sym == null) {
      return true; // don't know: treat as hidden, which only costs a rename
    }
    for (Type t : state.getTypes().closure(sym.type)) {
      if (t.tsym == null) {
        continue;
      }
      for (Symbol member : t.tsym.members().getSymbolsByName(state.getName(name))) {
        if (member instanceof VarSymbol) {
          return true;
        }
      }
    }
    return false;
  }

  private static boolean isUsableName(String name) {
    return !name.isEmpty() && !name.equals("_");
  }

  /** Gives an unnamed ({@code _}) parameter the name {@code fresh}, keeping an explicit type. */
  // TreeToString: only where the source of the type is not available, the tree is printed.
  @SuppressWarnings("TreeToString")
  private static SuggestedFix nameParameter(VariableTree param, String fresh, VisitorState state) {
    Tree type = param.getType();
    if (type == null
        || ASTHelpers.hasImplicitType(param, state)
        || ASTHelpers.getStartPosition(type) < 0
        || state.getEndPosition(type) < 0) {
      return SuggestedFix.replace(param, fresh);
    }
    String source = state.getSourceForNode(param);
    String typeSource = state.getSourceForNode(type);
    if (source == null || typeSource == null) {
      return SuggestedFix.replace(param, param.getType() + " " + fresh);
    }
    // Keep modifiers and annotations: replace only the trailing '_'.
    int end = state.getEndPosition(param);
    int underscore = source.lastIndexOf('_');
    if (end < 0 || underscore < 0) {
      return SuggestedFix.replace(param, typeSource + " " + fresh);
    }
    int start = ASTHelpers.getStartPosition(param) + underscore;
    return SuggestedFix.replace(start, start + 1, fresh);
  }

  /**
   * A name for the task's context parameter that is free: not referred to in the task, declared
   * nowhere in the compilation unit, not a field that an enclosing class inherits, and not
   * resolvable where it will be used. Deliberately stricter than Java's scoping rules.
   */
  private static String freshName(TaskBody task, TreePath usePath, VisitorState state) {
    Set<String> taken = namesIn(task.scope());
    taken.addAll(namesIn(usePath.getCompilationUnit()));
    List<ClassTree> enclosing = new ArrayList<>();
    for (TreePath p = usePath; p != null; p = p.getParentPath()) {
      if (p.getLeaf() instanceof ClassTree) {
        enclosing.add((ClassTree) p.getLeaf());
      }
    }
    List<String> candidates = new ArrayList<>(List.of(FRESH_NAMES));
    for (int i = 2; i < 10; i++) {
      candidates.add(FRESH_NAMES[1] + i);
    }
    for (String candidate : candidates) {
      if (taken.contains(candidate)
          || FindIdentifiers.findIdent(candidate, state.withPath(usePath)) != null
          || enclosing.stream().anyMatch(c -> inheritsField(c, candidate, state))) {
        continue;
      }
      return candidate;
    }
    return null;
  }

  private static Set<String> namesIn(Tree tree) {
    Set<String> names = new HashSet<>();
    new TreeScanner<Void, Void>() {
      @Override
      public Void visitIdentifier(IdentifierTree node, Void unused) {
        names.add(node.getName().toString());
        return null;
      }

      @Override
      public Void visitVariable(VariableTree node, Void unused) {
        names.add(node.getName().toString());
        return super.visitVariable(node, null);
      }

      @Override
      public Void visitMethod(MethodTree node, Void unused) {
        names.add(node.getName().toString());
        return super.visitMethod(node, null);
      }

      @Override
      public Void visitClass(ClassTree node, Void unused) {
        names.add(node.getSimpleName().toString());
        return super.visitClass(node, null);
      }
    }.scan(tree, null);
    return names;
  }

  /**
   * Whether an expression of type {@code Context} can stand where {@code offending} stands: its
   * type is {@code Context}, or it is the receiver of a method {@code Context} has, or the place
   * expects a supertype of {@code Context}.
   */
  private static boolean contextFits(ExpressionTree offending, TreePath path, VisitorState state) {
    Type context = TaskGroupModel.CONTEXT_TYPE.get(state);
    Type type = ASTHelpers.getType(offending);
    if (context == null || type == null) {
      return false;
    }
    if (ASTHelpers.isSameType(type, context, state)) {
      return true;
    }
    Tree parentTree = path.getParentPath() == null ? null : path.getParentPath().getLeaf();
    if (parentTree instanceof MemberSelectTree memberSelectTree
        && memberSelectTree.getExpression() == offending) {
      Symbol member = ASTHelpers.getSymbol(parentTree);
      return member != null && ASTHelpers.isSubtype(context, member.owner.type, state);
    }
    if (parentTree instanceof MemberReferenceTree memberReferenceTree
        && memberReferenceTree.getQualifierExpression() == offending) {
      Symbol member = ASTHelpers.getSymbol(parentTree);
      return member != null && ASTHelpers.isSubtype(context, member.owner.type, state);
    }
    Type expected = expectedType(offending, path, state);
    return expected != null && ASTHelpers.isSubtype(context, expected, state);
  }

  /**
   * The type the place of {@code expr} demands, for the places where a context commonly stands: a
   * variable's initialiser, the right-hand side of an assignment, a method or constructor argument.
   * Null elsewhere. (Written out rather than taken from Error Prone's {@code targetType}, whose
   * result type moved between Error Prone versions.)
   */
  private static Type expectedType(ExpressionTree expr, TreePath path, VisitorState state) {
    Tree child = expr;
    TreePath p = path.getParentPath();
    while (p != null && p.getLeaf() instanceof ParenthesizedTree) {
      child = p.getLeaf();
      p = p.getParentPath();
    }
    if (p == null) {
      return null;
    }
    Tree parent = p.getLeaf();
    if (parent instanceof VariableTree variableTree && variableTree.getInitializer() == child) {
      return ASTHelpers.hasImplicitType(variableTree, state)
          ? null
          : ASTHelpers.getType(variableTree.getType());
    }
    if (parent instanceof AssignmentTree assignmentTree
        && assignmentTree.getExpression() == child) {
      return ASTHelpers.getType(assignmentTree.getVariable());
    }
    List<? extends ExpressionTree> args;
    Symbol callee;
    if (parent instanceof MethodInvocationTree methodInvocationTree) {
      args = methodInvocationTree.getArguments();
      callee = ASTHelpers.getSymbol(methodInvocationTree);
    } else if (parent instanceof NewClassTree newClassTree) {
      args = newClassTree.getArguments();
      callee = ASTHelpers.getSymbol(newClassTree);
    } else {
      return null;
    }
    int index = args.indexOf(child);
    if (index < 0 || !(callee instanceof MethodSymbol methodSymbol)) {
      return null;
    }
    List<VarSymbol> params = methodSymbol.getParameters();
    if (params.isEmpty()) {
      return null;
    }
    if (methodSymbol.isVarArgs() && index >= params.size() - 1) {
      Type last = params.get(params.size() - 1).type;
      Type element = state.getTypes().elemtype(last);
      // Passed as the array itself, or as one element.
      Type argType = ASTHelpers.getType(child);
      return argType != null && state.getTypes().isArray(argType) ? last : element;
    }
    return index < params.size() ? params.get(index).type : null;
  }
}
