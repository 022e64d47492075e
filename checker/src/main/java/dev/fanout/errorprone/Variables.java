package dev.fanout.errorprone;

import com.google.errorprone.VisitorState;
import com.sun.source.tree.ExpressionTree;
import com.sun.source.tree.VariableTree;
import com.sun.tools.javac.code.Symbol;
import java.util.List;
import javax.lang.model.element.ElementKind;
import org.jspecify.annotations.Nullable;

/**
 * What kind of variable a symbol is, and where its declaration and values are: the questions every
 * analysis asks about a variable, answered once. Declarations and assigned values come from the
 * compilation unit's {@link UnitIndex}. ({@link TaskGroupModel#definitions} differs on purpose: the
 * values assigned inside one subtree, for a context's derivation within a method.)
 */
final class Variables {
  private Variables() {}

  /**
   * A local variable proper: declared in a block, a resource, a pattern binding or a catch
   * parameter. Not a method or lambda parameter: its value comes from a caller.
   */
  static boolean isLocalVariable(Symbol sym) {
    ElementKind kind = sym.getKind();
    return kind == ElementKind.LOCAL_VARIABLE
        || kind == ElementKind.RESOURCE_VARIABLE
        || kind == ElementKind.BINDING_VARIABLE
        || kind == ElementKind.EXCEPTION_PARAMETER;
  }

  /**
   * Declared inside a method or lambda, parameters included: a variable no other invocation of that
   * code shares (unlike a field).
   */
  static boolean isMethodScoped(Symbol sym) {
    return isLocalVariable(sym) || sym.getKind() == ElementKind.PARAMETER;
  }

  /** The declaration of {@code var} in the current compilation unit, or null. */
  static @Nullable VariableTree declaration(Symbol var, VisitorState state) {
    return UnitIndex.of(state).declaration(var);
  }

  /**
   * Every value assigned to {@code var} in the current compilation unit (initializer first), or
   * null if the variable isn't declared in it (then other code may assign it).
   */
  static @Nullable List<ExpressionTree> assignedValues(Symbol var, VisitorState state) {
    return UnitIndex.of(state).assignedValues(var);
  }
}
